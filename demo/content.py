"""The demo hub: a made-up brand over the real cluster of four East Midlands councils.

Everything here is invented for the demo: the hub name, phone number, email addresses, people
and stories. Money figures are illustrative, not any council's published rates.
"""

from __future__ import annotations

from .refs import Img, PageRef, p

HUB_NAME = "Foster Together East Midlands"
HUB_SHORT_NAME = "Foster Together"
HUB_REGION = "East Midlands"
STRAPLINE = "Fostering with your local council in Derby, Derbyshire, Nottingham and Nottinghamshire"
# FICTIONAL: 03069 990000 to 03069 990999 is Ofcom's range of 03 numbers set aside for drama and
# examples; it will never reach a real person.
PHONE_NUMBER = "03069 990214"
PHONE_HOURS = "Monday to Friday, 9am to 5pm (Tuesdays until 7pm)"
EMAIL = "hello@fostertogether-em.example"  # .example: reserved, can never be delivered
DPO_EMAIL = "dataprotection@fostertogether-em.example"
ACCESSIBILITY_EMAIL = "accessibility@fostertogether-em.example"
PRIMARY_COLOUR = "#7b2d6b"  # plum: 8.6:1 on white
ACCENT_COLOUR = "#ffbf47"  # warm yellow: 12.8:1 under black text

SOCIAL_LINKS = [
    ("facebook", "https://facebook.example/fostertogether-em"),
    ("instagram", "https://instagram.example/fostertogether_em"),
    ("youtube", "https://youtube.example/@fostertogether-em"),
    ("linkedin", "https://linkedin.example/company/fostertogether-em"),
]

FOOTER_TEXT = p(
    "Foster Together East Midlands is a partnership of Derby City Council, Derbyshire County "
    "Council, Nottingham City Council and Nottinghamshire County Council.",
    "<b>This is a demonstration website.</b> The hub name, phone number, email addresses, "
    "carers and stories are made up.",
)

# The real partner councils, with their ONS codes and the postcode districts they cover.
# A district that straddles a boundary is listed under both councils; the enquiry form then
# lets the person choose.
COUNCILS = [
    {
        "name": "Derby City Council",
        "short_name": "derby",
        "official_code": "E06000015",
        "website_domains": "derby.gov.uk",
        "fostering_url": "https://www.derby.gov.uk/",
        "postcode_districts": "DE1 DE3 DE21 DE22 DE23 DE24 DE73",
        "handover_email": "fostering-team@derby-city.example",
    },
    {
        "name": "Derbyshire County Council",
        "short_name": "derbyshire",
        "official_code": "E10000007",
        "website_domains": "derbyshire.gov.uk",
        "fostering_url": "https://www.derbyshire.gov.uk/",
        "postcode_districts": (
            "DE4 DE5 DE6 DE7 DE11 DE12 DE21 DE22 DE45 DE55 DE56 DE65 DE72 DE73 DE75 "
            "NG10 NG16 NG19 NG20 S18 S21 S32 S33 S40 S41 S42 S43 S44 S45 S80 "
            "SK13 SK17 SK22 SK23"
        ),
        "handover_email": "fostering-team@derbyshire-county.example",
    },
    {
        "name": "Nottingham City Council",
        "short_name": "nottingham",
        "official_code": "E06000018",
        "website_domains": "nottinghamcity.gov.uk",
        "fostering_url": "https://www.nottinghamcity.gov.uk/",
        "postcode_districts": "NG1 NG2 NG3 NG5 NG6 NG7 NG8 NG9 NG11",
        "handover_email": "fostering-team@nottingham-city.example",
    },
    {
        "name": "Nottinghamshire County Council",
        "short_name": "nottinghamshire",
        "official_code": "E10000024",
        "website_domains": "nottinghamshire.gov.uk",
        "fostering_url": "https://www.nottinghamshire.gov.uk/",
        "postcode_districts": (
            "NG2 NG3 NG4 NG5 NG6 NG9 NG11 NG12 NG13 NG14 NG15 NG16 NG17 NG18 NG19 NG20 "
            "NG21 NG22 NG23 NG24 NG25 S80 S81 DN10 DN11 DN22"
        ),
        "handover_email": "fostering-team@nottinghamshire-county.example",
    },
]

# One shared, obvious password: the command refuses to run unless DEMO_CONTENT_ALLOWED is on.
DEMO_PASSWORD = "demo-fostering-2026"

# (username, first name, last name, role label, group name or ("council", short_name, role)).
USERS = [
    ("admin", "Ada", "Admin", "Superuser", None),
    ("hub.comms", "Harriet", "Cole", "Hub comms officer", "Hub comms officers"),
    ("derby.comms", "Dev", "Patel", "Council comms officer (Derby)", ("derby", "comms")),
    ("hub.enquiries", "Esther", "Nwosu", "Hub enquiry officer", "Hub enquiry officers"),
    (
        "derby.fostering",
        "Frank",
        "Walsh",
        "Council fostering staff (Derby)",
        ("derby", "fostering"),
    ),
    ("marketing.lead", "Maya", "Lindqvist", "Marketing lead", "Marketing leads"),
]
USER_EMAIL_DOMAIN = "fostertogether-em.example"

# Settings for the default site.
HUB_SETTINGS = {
    "hub_name": HUB_NAME,
    "strapline": STRAPLINE,
    "logo": Img("logo"),
    "primary_colour": PRIMARY_COLOUR,
    "accent_colour": ACCENT_COLOUR,
    "phone_number": PHONE_NUMBER,
    "phone_hours": PHONE_HOURS,
    "email": EMAIL,
    "enquiry_notification_email": f"enquiries@{USER_EMAIL_DOMAIN}",
    "enquiry_page": PageRef("/enquire/"),
    "events_page": PageRef("/events/"),
    "social_links": [
        {"type": "link", "value": {"network": network, "url": url}} for network, url in SOCIAL_LINKS
    ],
    "footer_text": FOOTER_TEXT,
}


def _nav(label: str, path: str) -> dict:
    return {"type": "link", "value": {"label": label, "page": PageRef(path), "external_url": ""}}


NAVIGATION = {
    "main_menu": [
        _nav("How to foster", "/how-to-foster/"),
        _nav("Types of fostering", "/types-of-fostering/"),
        _nav("Our councils", "/councils/"),
        _nav("Support", "/support/"),
        _nav("Stories", "/stories/"),
        _nav("FAQs", "/faqs/"),
    ],
    "footer_menu": [
        _nav("About the hub", "/about/"),
        _nav("Privacy notice", "/privacy/"),
        _nav("Cookies", "/cookies/"),
        _nav("Accessibility statement", "/accessibility/"),
        _nav("Contact us", "/enquire/"),
    ],
}

# Answers to "How did you hear about us?", in the order the form shows them.
HEAR_ABOUT = [
    "Social media",
    "Search engine (for example Google)",
    "Radio",
    "Poster, leaflet or newspaper",
    "Bus, billboard or other outdoor advert",
    "An information event or stall",
    "A foster carer I know",
    "Friend, family or colleague",
    "My council's website",
    "Through my work or employer",
    "Somewhere else",
]

# The hub settings' words in the demo's other languages (Settings -> Hub settings -> In other
# languages).
HUB_SETTINGS_TRANSLATIONS = {
    "pl": {
        "strapline": (
            "Rodzicielstwo zastępcze z twoim samorządem w Derby, Derbyshire, Nottingham "
            "i Nottinghamshire"
        ),
        "phone_hours": "od poniedziałku do piątku, 9:00–17:00 (we wtorki do 19:00)",
        "footer_text": p(
            "Foster Together East Midlands to partnerstwo Derby City Council, Derbyshire "
            "County Council, Nottingham City Council i Nottinghamshire County Council.",
            "<b>To jest strona demonstracyjna.</b> Nazwa centrum, numer telefonu, adresy "
            "e-mail, rodzice zastępczy i historie są zmyślone.",
        ),
    },
    "ur": {
        "strapline": (
            "Derby، Derbyshire، Nottingham اور Nottinghamshire میں اپنی مقامی کونسل کے ساتھ فوسٹرنگ"
        ),
        "phone_hours": "پیر سے جمعہ، صبح 9 بجے سے شام 5 بجے تک (منگل کو شام 7 بجے تک)",
        "footer_text": p(
            "Foster Together East Midlands، Derby City Council، Derbyshire County Council، "
            "Nottingham City Council اور Nottinghamshire County Council کی شراکت داری ہے۔",
            "<b>یہ ایک نمونے کی ویب سائٹ ہے۔</b> ہب کا نام، فون نمبر، ای میل پتے، فوسٹر کیئررز "
            "اور کہانیاں فرضی ہیں۔",
        ),
    },
}
