"""The demo page tree, below the home page, in the order the loader creates it.

Pages are created before anything that points at them: the enquiry and events pages first
(every call to action links there), then types of fostering, then stories (which point at
types and councils), then council pages (whose quotes link to stories), and so on.

All text is written for this demo, in plain British English for a reading age of about 9 to 11.
"""

from __future__ import annotations

import datetime

from .content import (
    ACCESSIBILITY_EMAIL,
    DPO_EMAIL,
    HUB_NAME,
    PHONE_HOURS,
    PHONE_NUMBER,
)
from .refs import (
    CouncilRef,
    Img,
    PageRef,
    call_to_action,
    faq,
    h2,
    h3,
    image,
    key_figures,
    ol,
    p,
    quote,
    rich_text,
    ul,
    video,
)

ENQUIRE_CTA = call_to_action(
    "Ready for a chat?",
    "Ask us anything. There is no pressure and no commitment.",
    "Enquire about fostering",
    "/enquire/",
)
EVENTS_CTA = call_to_action(
    "Come to an information event",
    "Meet our team and local foster carers, online or near you. Bring your questions.",
    "Find an event",
    "/events/",
)

# -- The enquiry form and the events index ------------------------------------------------------

ENQUIRE = {
    "model": "enquiry.EnquiryPage",
    "slug": "enquire",
    "title": "Enquire about fostering",
    "fields": {
        "intro": p(
            "Thinking about fostering? Tell us a little about yourself and a friendly person from "
            "our team will get in touch. You do not have to decide anything yet, and there are no "
            "wrong answers.",
            f"Rather talk now? Call <b>{PHONE_NUMBER}</b>, {PHONE_HOURS}.",
        ),
        "response_time": "within two working days",
        "what_happens_next": ol(
            "We contact you within two working days, in the way and at the time you choose.",
            "We have a relaxed chat about you, your home and the children who need families near "
            "you.",
            "If you want to carry on, we arrange a visit to your home.",
            "If now is not the right time, we can keep in touch, but only if you say yes.",
        ),
        "privacy_summary": p(
            f"{HUB_NAME} uses your details only to answer your enquiry and to help you through "
            "the first steps of fostering. We share them with the council you choose to foster "
            "for, and with nobody else. We delete them two years after your enquiry closes.",
        ),
        "confirmation_text": p(
            "While you wait, you might like to read "
            '<a href="/stories/">stories from local foster carers</a> or '
            '<a href="/how-to-foster/">how the journey to fostering works</a>.'
        ),
        "search_description": (
            f"Enquire about fostering with {HUB_NAME}: Derby, Derbyshire, Nottingham and "
            "Nottinghamshire councils. We reply within two working days."
        ),
    },
}

EVENTS = {
    "model": "events.EventIndexPage",
    "slug": "events",
    "title": "Information events",
    "fields": {
        "intro": p(
            "Come and find out about fostering at a relaxed event. Meet our team and local foster "
            "carers, ask questions and take your time. Most events last about an hour, and you "
            "can just sit and listen if you prefer.",
            "Online evenings are on a video call and your camera can stay off. You do not need "
            "to book for drop-ins.",
        ),
        "listing_summary": "Drop-in sessions, coffee mornings and online evenings across the region.",
        "search_description": (
            "Fostering information events in Derby, Derbyshire, Nottingham and Nottinghamshire, "
            "in person and online."
        ),
        "listing_image": Img("garden"),
    },
}

# -- Types of fostering ------------------------------------------------------------------------


def _type(
    slug: str,
    title: str,
    *,
    summary: str,
    intro: str,
    who: str,
    commitment: str,
    ages: str,
    support: str,
    body: list,
    image_key: str,
) -> dict:
    return {
        "model": "fostering_types.FosteringTypePage",
        "slug": slug,
        "title": title,
        "fields": {
            "listing_summary": summary,
            "search_description": summary,
            "listing_image": Img(image_key),
            "intro": intro,
            "who_it_suits": who,
            "commitment": commitment,
            "ages": ages,
            "support": support,
            "body": body,
        },
    }


FOSTERING_TYPES = [
    _type(
        "short-term",
        "Short-term fostering",
        summary="Care for a child for a few weeks or months while their future is planned.",
        intro=(
            "Short-term foster carers look after a child while plans are made for their future. "
            "That might mean going home to their family, moving to relatives, or moving to a "
            "long-term family. You give them a safe, calm place to be in the meantime."
        ),
        who=p(
            "Short-term fostering suits people who like variety and can say goodbye when the "
            "time is right. You help a child settle quickly, keep their routines going and "
            "support their time with their family."
        )
        + ul(
            "You can be flexible with your time.",
            "You can work well with social workers, teachers and birth families.",
            "You can help a child move on and feel proud of the part you played.",
        ),
        commitment="A few days to around two years",
        ages="0 to 18",
        support=p(
            "You have your own supervising social worker, training from day one and someone to "
            "call at any time of the day or night. Other carers in your area will be there for "
            "you too."
        ),
        body=[
            rich_text(
                h2("Saying goodbye")
                + p(
                    "Helping a child move on can be hard. We help you plan each move together, "
                    "and many carers stay in touch with children they have looked after."
                )
            ),
            ENQUIRE_CTA,
        ],
        image_key="home",
    ),
    _type(
        "long-term",
        "Long-term fostering",
        summary="Give a child a stable family until they grow up, and often well beyond.",
        intro=(
            "Some children cannot go back to their birth family, and adoption is not right for "
            "them. Long-term foster carers give them a settled home until they are adults. Many "
            "young people stay part of the family for life."
        ),
        who=p(
            "Long-term fostering suits people who want to make a lasting difference and can "
            "commit to a child for many years. You will help them stay in touch with the people "
            "who matter to them."
        ),
        commitment="Until the child grows up, often into adulthood",
        ages="0 to 18",
        support=p(
            "You keep the same supervising social worker and can join a Mockingbird "
            "constellation where your council runs one. You can also get therapeutic advice if "
            "a child is finding life hard."
        ),
        body=[
            quote(
                "She came to us for a month. Eight years later she is learning to drive and "
                "still nicking my jumpers.",
                "Kerry, long-term foster carer in Derby",
            ),
            ENQUIRE_CTA,
        ],
        image_key="garden",
    ),
    _type(
        "short-breaks",
        "Short breaks",
        summary="Regular weekends or days out that give children, and their families, a break.",
        intro=(
            "Short breaks are planned stays, often a weekend a month. They give a child time "
            "with a family who enjoys their company, and give their parents or foster carers "
            "time to rest. Some children who come for short breaks have a disability."
        ),
        who=p(
            "Short breaks can fit around a full-time job. They suit people who have some free "
            "weekends and want to build a long friendship with a child and their family."
        ),
        commitment="A few hours to a few nights a month",
        ages="0 to 18",
        support=p(
            "You have training about the child's needs before their first visit, including any "
            "care or equipment they need. You are paid for each stay."
        ),
        body=[
            rich_text(
                p(
                    "Short breaks often run for years. You get to know the child well and watch "
                    "them grow."
                )
            ),
            quote(
                "I work full time, so I thought fostering was not for me. One weekend a month "
                "works perfectly.",
                "Pauline, short breaks carer in Derbyshire",
            ),
        ],
        image_key="peaks",
    ),
    _type(
        "emergency",
        "Emergency fostering",
        summary="Be ready to welcome a child at short notice, sometimes late at night.",
        intro=(
            "Sometimes a child needs somewhere safe to stay tonight. Emergency foster carers "
            "can say yes at short notice. The stay might be a night or two, or a few weeks while "
            "a longer plan is made."
        ),
        who=p(
            "Emergency fostering suits calm people who can adapt quickly. You need a spare room "
            "that is always ready, and to be at home a lot of the time."
        ),
        commitment="One night to a few weeks",
        ages="0 to 18",
        support=p(
            "An out-of-hours social worker is a phone call away. We give you a starter kit with "
            "clothes, toiletries and a few comforting things for children of different ages."
        ),
        body=[
            rich_text(
                h2("The first night")
                + p(
                    "Children often arrive tired and worried. A warm drink, a quiet room and a "
                    "kind voice make a big difference. Training shows you what to expect."
                )
            ),
            ENQUIRE_CTA,
        ],
        image_key="city",
    ),
    _type(
        "parent-and-child",
        "Parent and child fostering",
        summary="Support a young parent to care for their baby safely and with confidence.",
        intro=(
            "In parent and child fostering, a mum or dad and their baby live with you. You help "
            "the parent learn to care for their child, and you keep notes that help social "
            "workers plan what happens next."
        ),
        who=p(
            "This suits patient people who are good at encouraging others. Experience of "
            "raising children, or of working with babies, helps a lot."
        ),
        commitment="Usually around 12 weeks",
        ages="Babies with parents of any age",
        support=p(
            "You have specialist training in parent and child care and in writing daily notes. "
            "Fees are higher because the role is skilled."
        ),
        body=[
            quote(
                "Watching a young dad grow in confidence was one of the best things we have ever "
                "done.",
                "Bev, parent and child carer in Derbyshire",
            ),
            ENQUIRE_CTA,
        ],
        image_key="parent-baby",
    ),
    _type(
        "sibling-groups",
        "Fostering brothers and sisters",
        summary="Keep brothers and sisters together when they cannot live at home.",
        intro=(
            "Brothers and sisters feel safer when they stay together. We need more carers who "
            "can welcome two, three or more children, so families are not split up."
        ),
        who=p(
            "This suits people with space, energy and a good sense of humour. You will need two "
            "or more bedrooms, or one big room that children can share safely."
        ),
        commitment="Short-term or long-term",
        ages="0 to 18",
        support=p(
            "You get extra help with costs, such as a larger car or bunk beds. You can also get "
            "help from a family support worker at busy times, like the school run."
        ),
        body=[
            quote(
                "Three children at once was a lot at first. Seeing them look out for each other "
                "makes it all worth it.",
                "Marcus, foster carer in Nottingham",
            ),
            ENQUIRE_CTA,
        ],
        image_key="siblings",
    ),
    _type(
        "teenagers",
        "Fostering teenagers",
        summary="Help a young person through their teenage years and into adult life.",
        intro=(
            "Many children waiting for foster homes are teenagers. They need adults who will "
            "stick with them, listen, set fair limits and cheer them on as they get ready for "
            "adult life."
        ),
        who=p(
            "This suits people who stay calm, do not take things personally and remember what "
            "being a teenager felt like. You do not need to be a parent already."
        ),
        commitment="Short-term or long-term",
        ages="11 to 17",
        support=p(
            "You have training about teenage brains, staying safe online and helping young "
            "people who have had a hard start. Young people can also get help with study, work "
            "and money skills."
        ),
        body=[
            quote(
                "We were worried about door slamming. What we got was the best chats, usually "
                "at midnight in the kitchen.",
                "Amira, foster carer in Derby",
            ),
            ENQUIRE_CTA,
        ],
        image_key="teen",
    ),
    _type(
        "unaccompanied-children",
        "Fostering unaccompanied children seeking asylum",
        summary="Welcome a young person who has arrived in the UK alone, fleeing danger.",
        intro=(
            "Some young people arrive in the UK without a parent. They may have fled war or "
            "danger and made a long journey alone. They need a safe home, patience and help to "
            "start a new life here."
        ),
        who=p(
            "This suits people who are curious about other cultures and can help a young person "
            "learn English, find a school or college, and settle into local life. Speaking "
            "another language helps but is not needed."
        ),
        commitment="Usually until 18, sometimes longer",
        ages="Mostly 14 to 17",
        support=p(
            "You have training about the asylum process, trauma and culture. Interpreters and "
            "specialist workers are there when you need them."
        ),
        body=[
            quote(
                "He arrived with one bag and barely any English. Now he is at college studying "
                "to be an electrician.",
                "Hassan, foster carer in Nottinghamshire",
            ),
            ENQUIRE_CTA,
        ],
        image_key="path",
    ),
    _type(
        "staying-put",
        "Staying Put",
        summary="Let a young person carry on living with you after they turn 18.",
        intro=(
            "Staying Put means a young person can stay with their foster family after their 18th "
            "birthday, usually until they are 21. It gives them more time to grow up, just like "
            "other young adults."
        ),
        who=p(
            "Staying Put is for foster carers whose young person is about to turn 18 and wants "
            "to stay. The arrangement changes from fostering to a household agreement."
        ),
        commitment="From 18, usually until 21",
        ages="18 to 21",
        support=p(
            "You still get a regular payment and support from the council's leaving care team. "
            "The young person has a personal adviser to help with college, work and money."
        ),
        body=[
            rich_text(
                p(
                    "Leaving home at 18 is hard for anyone. Staying Put means a young person "
                    "does not have to go it alone before they are ready."
                )
            )
        ],
        image_key="home",
    ),
    _type(
        "therapeutic",
        "Specialist and therapeutic fostering",
        summary="Care for children with complex needs, with extra training and support.",
        intro=(
            "Some children have been through a lot and need extra help to feel safe. "
            "Therapeutic foster carers use special ways of caring, with a team of experts "
            "behind them, to help a child heal and trust adults again."
        ),
        who=p(
            "This suits people with experience of caring for children or young people, perhaps "
            "at work or as a foster carer already. You will need to be at home full time."
        ),
        commitment="Often a year or more",
        ages="5 to 17",
        support=p(
            "You have in-depth training, regular sessions with a therapist, and a support team "
            "that knows the child well. Fees reflect the skill the role needs."
        ),
        body=[
            rich_text(
                p(
                    "Many of our therapeutic carers started with short-term fostering and built "
                    "their skills over time. Ask us about the training pathway."
                )
            ),
            ENQUIRE_CTA,
        ],
        image_key="constellation",
    ),
    _type(
        "family-and-friends",
        "Family and friends fostering",
        summary="Foster a child you already know, such as a grandchild, niece or friend's child.",
        intro=(
            "When a child cannot live with their parents, the best place is often with someone "
            "they already know and love. Family and friends foster carers, sometimes called "
            "kinship carers, are assessed and supported by the council."
        ),
        who=p(
            "This is for grandparents, aunts, uncles, older brothers and sisters, family friends "
            "and others who already have a bond with the child."
        ),
        commitment="As long as the child needs",
        ages="0 to 18",
        support=p(
            "You get the same allowances, training and support as other foster carers. The "
            "council's kinship team will explain all your options."
        ),
        body=[
            rich_text(
                p(
                    "If a child you know is already in care, speak to their social worker. You "
                    "can also call us and we will put you in touch with the right council team."
                )
            )
        ],
        image_key="garden",
    ),
]

TYPES_INDEX = {
    "model": "fostering_types.FosteringTypeIndexPage",
    "slug": "types-of-fostering",
    "title": "Types of fostering",
    "fields": {
        "intro": p(
            "Fostering is not one size fits all. Some carers look after babies for a few weeks. "
            "Others give a teenager a home until they are grown up. Have a look at the different "
            "types and see what might fit your life."
        ),
        "listing_summary": "From short breaks to long-term care: find the type of fostering that fits.",
        "search_description": (
            "The types of fostering in the East Midlands: short-term, long-term, short breaks, "
            "emergency, parent and child, teenagers and more."
        ),
        "listing_image": Img("siblings"),
    },
    "children": FOSTERING_TYPES,
}

# -- Carer stories -------------------------------------------------------------------------------


def _story(
    slug: str,
    title: str,
    *,
    carer: str,
    council: str,
    types: list[str],
    summary: str,
    intro: str,
    pull_quote: str,
    body: list,
    image_key: str,
) -> dict:
    return {
        "model": "home.StoryPage",
        "slug": slug,
        "title": title,
        "fields": {
            "carer_name": carer,
            "council": CouncilRef(council),
            "fostering_types": [PageRef(f"/types-of-fostering/{t}/") for t in types],
            "listing_summary": summary,
            "search_description": summary,
            "listing_image": Img(image_key),
            "intro": intro,
            "pull_quote": pull_quote,
            "body": body,
        },
    }


STORIES = [
    _story(
        "amira-and-joe",
        "Amira and Joe: fostering teenagers in Derby",
        carer="Amira and Joe",
        council="derby",
        types=["teenagers", "short-term"],
        summary="A couple in their thirties on why they chose to foster teenagers.",
        intro=(
            "Amira and Joe live in Littleover with their dog, Biscuit. They have fostered "
            "teenagers for Derby City Council for three years."
        ),
        pull_quote="Teenagers do not need perfect people. They need people who keep showing up.",
        body=[
            rich_text(
                p(
                    "\u201cWe did not have children of our own, and we wondered if that would "
                    "count against us,\u201d says Amira. \u201cIt did not. The team was more "
                    "interested in what we were like as people.\u201d",
                    "Their first young person, a 15-year-old girl, arrived on a Friday evening "
                    "with a carrier bag of clothes. \u201cShe did not say much that weekend,\u201d "
                    "says Joe. \u201cOn Monday I burnt the toast and she laughed at me. That was "
                    "the start.\u201d",
                )
                + h2("What helped")
                + p(
                    "The couple say the monthly support group made a big difference. \u201cYou "
                    "can say the hard stuff out loud and nobody judges you,\u201d says Amira.",
                    "Joe still works full time. Amira changed to part-time hours so that one of "
                    "them is around after school.",
                )
            ),
            image(
                "teen",
                "Drawing of an adult and a teenager walking side by side on a hill at sunset.",
            ),
            rich_text(
                h2("Their advice")
                + p(
                    "\u201cGo to an event and talk to carers,\u201d says Joe. \u201cAsk them the "
                    "questions you think are silly. Everyone asked them once.\u201d"
                )
            ),
        ],
        image_key="teen",
    ),
    _story(
        "pauline",
        "Pauline: short breaks in the Peak District",
        carer="Pauline",
        council="derbyshire",
        types=["short-breaks"],
        summary="A single carer who works full time and offers weekend short breaks.",
        intro=(
            "Pauline lives on her own near Buxton and works as a pharmacy technician. One "
            "weekend a month, she looks after Theo, who is nine and has autism."
        ),
        pull_quote="Theo knows the weekend plan by heart. Pancakes, the park, then the sheep.",
        body=[
            rich_text(
                p(
                    "\u201cI always thought fostering meant giving up work,\u201d says Pauline. "
                    "\u201cShort breaks showed me there is more than one way to do it.\u201d",
                    "Before Theo's first stay, Pauline had training on autism and spent time "
                    "with Theo and his mum at their home. \u201cBy the time he came to me, we "
                    "already knew each other's favourite biscuits.\u201d",
                    "Theo's mum says the weekends give her time with his little sister, and "
                    "some sleep. \u201cThat is the bit that gets me,\u201d says Pauline. \u201cIt "
                    "helps the whole family, not just Theo.\u201d",
                )
            ),
        ],
        image_key="peaks",
    ),
    _story(
        "daniel-and-marcus",
        "Daniel and Marcus: keeping three siblings together",
        carer="Daniel and Marcus",
        council="nottingham",
        types=["sibling-groups", "long-term"],
        summary="Two dads in Sherwood who gave a home to three brothers and sisters.",
        intro=(
            "Daniel is a bus driver and Marcus is a teaching assistant. They live in Sherwood "
            "and foster three siblings, aged 6, 8 and 11, for Nottingham City Council."
        ),
        pull_quote="Being two dads was never an issue. Being good at packed lunches was.",
        body=[
            rich_text(
                p(
                    "The couple first enquired after seeing an advert on the side of a bus "
                    "Daniel was driving. \u201cI took it as a sign,\u201d he laughs.",
                    "They were approved for two children, but when a social worker asked if "
                    "they could keep three siblings together, they said yes. \u201cWe moved the "
                    "office into the garage,\u201d says Marcus. \u201cBest decision we ever "
                    "made.\u201d",
                )
                + h2("Support that works")
                + p(
                    "The council helped them buy a bigger car, and a family support worker "
                    "helped with the school run for the first few weeks. \u201cWe never felt "
                    "alone,\u201d says Daniel."
                )
            ),
            quote(
                "Seeing them look out for each other makes every hard day worth it.",
                "Marcus, foster carer in Nottingham",
            ),
        ],
        image_key="siblings",
    ),
    _story(
        "hassan",
        "Hassan: a fresh start for young people arriving alone",
        carer="Hassan",
        council="nottinghamshire",
        types=["unaccompanied-children", "teenagers"],
        summary="A Mansfield carer who welcomes young people seeking asylum.",
        intro=(
            "Hassan came to the UK as a student twenty years ago. Now he and his wife Leila "
            "foster teenage boys who have arrived in the UK on their own."
        ),
        pull_quote="I remember being new here. A warm meal and a patient ear go a long way.",
        body=[
            rich_text(
                p(
                    "Hassan speaks Arabic and some Kurdish, which helps young people feel at "
                    "ease in their first days. \u201cBut the most important language is "
                    "kindness,\u201d he says.",
                    "Their first young person, Aziz, was 16. He had not been to school for two "
                    "years. With help from the council's education team he started an English "
                    "course, then moved on to college.",
                    "\u201cHe is training to be an electrician now,\u201d says Leila. \u201cHe "
                    "fixed our doorbell last week. We are very proud.\u201d",
                )
            ),
            image(
                "path",
                "Drawing of a person at the start of a path of stepping stones that leads to "
                "a front door.",
            ),
        ],
        image_key="path",
    ),
    _story(
        "bev-and-steve",
        "Bev and Steve: supporting young parents",
        carer="Bev and Steve",
        council="derbyshire",
        types=["parent-and-child"],
        summary="Grandparents in Chesterfield who help young parents care for their babies.",
        intro=(
            "Bev and Steve raised four children of their own in Chesterfield. When the last one "
            "left home, they started parent and child fostering."
        ),
        pull_quote="We are not there to judge. We are there to cheer them on at 3am.",
        body=[
            rich_text(
                p(
                    "\u201cWe had all this baby know-how going spare,\u201d says Bev. Steve adds: "
                    "\u201cAnd a very quiet house.\u201d",
                    "Their first placement was a 19-year-old dad, Kyle, and his baby daughter. "
                    "\u201cHe had never changed a nappy,\u201d says Steve. \u201cBy week six he "
                    "was showing me how it is done.\u201d",
                    "Kyle and his daughter now live in their own flat nearby and still pop in "
                    "for Sunday dinner.",
                )
            ),
        ],
        image_key="parent-baby",
    ),
    _story(
        "kerry-and-lee",
        "Kerry and Lee: at the heart of a Mockingbird family",
        carer="Kerry and Lee",
        council="derby",
        types=["long-term"],
        summary="A Derby couple who run a Mockingbird hub home for eight fostering families.",
        intro=(
            "Kerry and Lee have fostered for fifteen years. Now they run a Mockingbird hub home "
            "in Derby, supporting a group of eight fostering families who live nearby."
        ),
        pull_quote="It is like having an extended family who really understand fostering.",
        body=[
            rich_text(
                p(
                    "As a hub home, Kerry and Lee keep two bedrooms free for sleepovers and "
                    "short stays. Children from the families in their group know them well, so "
                    "a night away feels like a treat, not a worry.",
                    "They also run monthly get-togethers: picnics in the park in summer and "
                    "film nights in winter. \u201cThe children love it, and so do the "
                    "carers,\u201d says Kerry.",
                    "Lee says the best thing is that problems get sorted early. \u201cA quick "
                    "chat over a cuppa can stop a small worry becoming a big one.\u201d",
                )
            ),
            image(
                "constellation",
                "Drawing of six small houses in a circle, linked by dotted lines to a larger "
                "house in the middle.",
            ),
        ],
        image_key="constellation",
    ),
    _story(
        "grace",
        "Grace: emergency fostering and renting",
        carer="Grace",
        council="nottinghamshire",
        types=["emergency", "short-term"],
        summary="A single carer in a rented home who offers emergency care.",
        intro=(
            "Grace rents a three-bedroom house in Newark and works part time as a hairdresser. "
            "She offers emergency and short-term care for younger children."
        ),
        pull_quote="I rent, I am single and I am 58. None of that stopped me.",
        body=[
            rich_text(
                p(
                    "\u201cI thought you had to own your home and be married,\u201d says Grace. "
                    "\u201cThe hub put me right on the first phone call.\u201d",
                    "Her landlord was happy for her to foster. The council checked the house "
                    "was safe and helped her fit a stair gate and smoke alarms.",
                    "Grace has looked after eleven children so far. \u201cSome stay two nights, "
                    "some stay four months. Every one of them leaves a mark on my heart.\u201d",
                )
            ),
        ],
        image_key="home",
    ),
]

STORY_INDEX = {
    "model": "home.StoryIndexPage",
    "slug": "stories",
    "title": "Foster carer stories",
    "fields": {
        "intro": (
            "Real life, in carers' own words. Meet some of the people who foster with councils "
            "in Derby, Derbyshire, Nottingham and Nottinghamshire. (On this demo site, the carers "
            "and their stories are made up.)"
        ),
        "listing_summary": "Hear from local foster carers about what fostering is really like.",
        "search_description": "Stories from foster carers in the East Midlands.",
        "listing_image": Img("garden"),
    },
    "children": STORIES,
}

# -- Partner councils ----------------------------------------------------------------------------

ILLUSTRATIVE = p(
    "<i>This is a demo site: the figures and details on this page are illustrative, not the "
    "council's actual offer.</i>"
)


def _allowances(rates: list[tuple[str, str]], fees: str, extras: list[str]) -> str:
    return (
        p(
            "Every foster carer gets a weekly allowance to cover the cost of looking after a "
            "child. Most carers also get a fee for their time and skills."
        )
        + h3("Weekly allowance for each child")
        + ul(*(f"{ages}: {amount} a week" for ages, amount in rates))
        + h3("Fees")
        + p(fees)
        + h3("Extra payments")
        + ul(*extras)
        + ILLUSTRATIVE
    )


def _council_page(
    slug: str,
    title: str,
    *,
    council: str,
    summary: str,
    intro: str,
    allowances: str,
    support_groups: str,
    mockingbird: str,
    training: str,
    body: list,
    image_key: str,
) -> dict:
    return {
        "model": "councils.CouncilPage",
        "slug": slug,
        "title": title,
        "fields": {
            "council": CouncilRef(council),
            "listing_summary": summary,
            "search_description": summary,
            "listing_image": Img(image_key),
            "intro": intro,
            "allowances": allowances,
            "support_groups": support_groups,
            "mockingbird": mockingbird,
            "training": training,
            "body": body,
        },
    }


COUNCIL_PAGES = [
    _council_page(
        "derby",
        "Fostering with Derby City Council",
        council="derby",
        summary="Foster for Derby City Council and help children stay close to their city.",
        intro=(
            "Derby City Council looks after children from every part of the city, from "
            "Allestree to Alvaston. Most of them do best when they can stay close to their "
            "school, friends and family. Fostering for Derby means a child can keep their "
            "roots while they are safe with you."
        ),
        allowances=_allowances(
            [
                ("Children aged 0 to 4", "£195"),
                ("Children aged 5 to 10", "£220"),
                ("Children aged 11 to 15", "£250"),
                ("Young people aged 16 and 17", "£290"),
            ],
            "Fees start at £140 a week for each child and rise to £420 a week as you gain "
            "skills and experience.",
            [
                "Birthday and festival payments: one week's allowance each",
                "Holiday payment: two weeks' allowance each year",
                "Mileage for school runs and family time",
            ],
        ),
        support_groups=p(
            "Carers meet every month at a community centre in the city, with a crèche for "
            "younger children. There is also an evening group online, and a dads' and male "
            "carers' group that meets for breakfast."
        ),
        mockingbird=p(
            "Derby runs three Mockingbird constellations. Each one is a group of six to ten "
            "fostering families around an experienced hub home carer, who offers advice, "
            "sleepovers and social events."
        ),
        training=p(
            "Skills to Foster training runs every two months at the Council House and online. "
            "After approval, you can choose from short courses on topics such as first aid, "
            "caring for teenagers and supporting family time."
        ),
        body=[
            key_figures(
                "Fostering in Derby at a glance",
                [
                    ("3", "Mockingbird constellations"),
                    ("24/7", "support line for carers"),
                    ("£140+", "weekly fee on top of the allowance"),
                ],
            ),
            quote(
                "The support group is my lifeline. There is always someone who has been "
                "through the same thing.",
                "Amira, foster carer in Derby",
                "/stories/amira-and-joe/",
            ),
            faq(
                "Questions about fostering for Derby",
                [
                    (
                        "Do I have to live in Derby?",
                        p(
                            "Most Derby carers live in the city or close to it, so children "
                            "can stay at their school. If you live just outside, we can talk "
                            "about which council suits you best."
                        ),
                    ),
                    (
                        "Can I foster for Derby if I have a council tenancy?",
                        p(
                            "Yes. Many of our carers rent from the council or a housing "
                            "association. You just need a spare bedroom."
                        ),
                    ),
                ],
            ),
            ENQUIRE_CTA,
        ],
        image_key="city",
    ),
    _council_page(
        "derbyshire",
        "Fostering with Derbyshire County Council",
        council="derbyshire",
        summary="Foster for Derbyshire, from the Peak District to the Erewash valley.",
        intro=(
            "Derbyshire is a big county, with busy towns like Chesterfield, Ilkeston and "
            "Swadlincote and quiet villages in the Peak District. Children in care come from "
            "all of it. We need carers everywhere, so children can stay near the places they "
            "know."
        ),
        allowances=_allowances(
            [
                ("Children aged 0 to 4", "£190"),
                ("Children aged 5 to 10", "£215"),
                ("Children aged 11 to 15", "£245"),
                ("Young people aged 16 and 17", "£285"),
            ],
            "Fees are paid on four levels, from £130 to £450 a week for each child. Your level "
            "goes up as you complete training and gain experience.",
            [
                "Birthday, holiday and festival payments",
                "A setting-up payment when a child first arrives",
                "Mileage, including for long rural journeys",
            ],
        ),
        support_groups=p(
            "There are support groups in Chesterfield, Matlock, Ilkeston, Buxton and "
            "Swadlincote. If travel is hard, you can join the online group on Thursday "
            "evenings."
        ),
        mockingbird=p(
            "Derbyshire is growing its Mockingbird programme, with constellations in the north "
            "and south of the county. Ask us if there is one near you."
        ),
        training=p(
            "Skills to Foster training takes place in Matlock and online. After approval, "
            "there is a full programme of courses, many of them in the evening so working "
            "carers can join."
        ),
        body=[
            image(
                "peaks",
                "Drawing of green hills with a small cottage and trees under a sunny sky.",
                "From market towns to the moors, Derbyshire needs carers everywhere.",
            ),
            quote(
                "Living in a village, I worried I would be cut off. The online group means I "
                "always have someone to talk to.",
                "Pauline, short breaks carer in Derbyshire",
                "/stories/pauline/",
            ),
            ENQUIRE_CTA,
        ],
        image_key="peaks",
    ),
    _council_page(
        "nottingham",
        "Fostering with Nottingham City Council",
        council="nottingham",
        summary="Foster for Nottingham City Council and help city children thrive.",
        intro=(
            "Nottingham is a young, lively city. Children in the council's care come from "
            "places like Bulwell, Clifton, Sneinton and St Ann's. We are looking for carers who "
            "will help them feel safe, do well at school and stay connected to their "
            "communities."
        ),
        allowances=_allowances(
            [
                ("Children aged 0 to 4", "£195"),
                ("Children aged 5 to 10", "£220"),
                ("Children aged 11 to 15", "£250"),
                ("Young people aged 16 and 17", "£295"),
            ],
            "Fees range from £150 to £430 a week for each child. Carers of sibling groups and "
            "teenagers get an extra weekly payment.",
            [
                "Birthday and festival payments",
                "Free entry to city leisure centres for carers and children",
                "Help with the cost of school trips",
            ],
        ),
        support_groups=p(
            "Support groups meet in the city centre and in Bulwell, with an online group for "
            "carers who work. There is also a group for carers of teenagers."
        ),
        mockingbird=p(
            "Nottingham runs two Mockingbird constellations, one in the north of the city and "
            "one in the south, with plans for a third."
        ),
        training=p(
            "Skills to Foster training runs in the city centre, close to the tram. Further "
            "training includes courses on trauma, education and helping young people stay safe "
            "online."
        ),
        body=[
            key_figures(
                "Fostering in Nottingham at a glance",
                [
                    ("2", "Mockingbird constellations"),
                    ("£150+", "weekly fee on top of the allowance"),
                    ("1", "named social worker for every carer"),
                ],
            ),
            quote(
                "We never felt alone. Someone was always on the end of the phone.",
                "Daniel, foster carer in Nottingham",
                "/stories/daniel-and-marcus/",
            ),
            ENQUIRE_CTA,
        ],
        image_key="city",
    ),
    _council_page(
        "nottinghamshire",
        "Fostering with Nottinghamshire County Council",
        council="nottinghamshire",
        summary="Foster for Nottinghamshire, from Worksop to West Bridgford.",
        intro=(
            "Nottinghamshire stretches from Worksop and Retford in the north to Newark, "
            "Mansfield and West Bridgford. There are children who need foster homes in every "
            "part of the county, especially teenagers and brothers and sisters."
        ),
        allowances=_allowances(
            [
                ("Children aged 0 to 4", "£190"),
                ("Children aged 5 to 10", "£215"),
                ("Children aged 11 to 15", "£245"),
                ("Young people aged 16 and 17", "£285"),
            ],
            "Fees are paid on three levels, from £140 to £410 a week for each child.",
            [
                "Birthday, holiday and festival payments",
                "Council tax support for approved carers",
                "Mileage for school runs and family time",
            ],
        ),
        support_groups=p(
            "Carers meet in Mansfield, Newark, Worksop and West Bridgford. Experienced carers "
            "act as buddies for new carers in their first year."
        ),
        mockingbird=p(
            "Nottinghamshire has Mockingbird constellations in Mansfield and Newark, and hopes "
            "to open more soon."
        ),
        training=p(
            "Skills to Foster training runs across the county and online. You can also join "
            "bite-size online courses from home, at a time that suits you."
        ),
        body=[
            quote(
                "My buddy carer answered a hundred questions in my first year. Now I am a "
                "buddy myself.",
                "Grace, foster carer in Nottinghamshire",
                "/stories/grace/",
            ),
            faq(
                "Questions about fostering for Nottinghamshire",
                [
                    (
                        "Can I foster if I live in a rural area?",
                        p(
                            "Yes. You will need to be able to get children to school and "
                            "family time, so a car usually helps. We pay mileage."
                        ),
                    ),
                    (
                        "Is there help with council tax?",
                        p("Yes. Approved Nottinghamshire carers can get council tax support."),
                    ),
                ],
            ),
            ENQUIRE_CTA,
        ],
        image_key="garden",
    ),
]

COUNCILS_INDEX = {
    "model": "councils.CouncilIndexPage",
    "slug": "councils",
    "title": "Our councils",
    "fields": {
        "intro": p(
            "Foster Together East Midlands is a partnership of four councils. You can foster "
            "for the council where you live, or talk to us about which one suits you best. "
            "Each council has its own local support, training and payments."
        ),
        "listing_summary": "Meet the four councils you can foster for through the hub.",
        "search_description": (
            "Foster for Derby City Council, Derbyshire County Council, Nottingham City Council "
            "or Nottinghamshire County Council."
        ),
        "listing_image": Img("city"),
    },
    "children": COUNCIL_PAGES,
}

# -- How to become a foster carer ----------------------------------------------------------------


def _step(title: str, timescale: str, description: str) -> dict:
    return {
        "type": "step",
        "value": {"title": title, "timescale": timescale, "description": description},
    }


STEPS = {
    "model": "home.StepsPage",
    "slug": "how-to-foster",
    "title": "How to become a foster carer",
    "fields": {
        "intro": (
            "Becoming a foster carer usually takes six to nine months from your first call. "
            "Every step helps you find out if fostering is right for you, and helps us get to "
            "know you. You can pause or stop at any time."
        ),
        "listing_summary": "The steps from your first call to approval, and how long each takes.",
        "search_description": (
            "How to become a foster carer in the East Midlands: the steps and how long they take."
        ),
        "listing_image": Img("path"),
        "steps": [
            _step(
                "Get in touch",
                "Day 1",
                p(
                    "Call us, email us or come to an event. Tell us a little about yourself. "
                    "There is no commitment."
                ),
            ),
            _step(
                "A first chat",
                "Within 2 working days",
                p(
                    "Someone from our team calls you back for a friendly chat. We answer your "
                    "questions and talk about which council you would foster for. You can also "
                    "ask to speak to an experienced foster carer."
                ),
            ),
            _step(
                "A home visit",
                "Within 2 to 4 weeks",
                p(
                    "A social worker visits you at home. They meet everyone who lives with you "
                    "and see the room a child would sleep in. It is a chance for both of you to "
                    "see if fostering could work."
                ),
            ),
            _step(
                "Skills to Foster training",
                "Months 1 to 3",
                p(
                    "You join a short course, usually over three days, with other people who "
                    "are thinking about fostering. Foster carers and young people who grew up "
                    "in care help run it."
                ),
            ),
            _step(
                "Apply",
                "Months 2 to 3",
                p(
                    "When you are ready, you fill in the application form. We help you with it. "
                    "Your application goes to the council you have chosen, and they take it "
                    "from here."
                ),
            ),
            _step(
                "Assessment stage 1: checks",
                "About 2 months",
                p(
                    "The council does the checks every carer needs: a DBS check, a medical, "
                    "and references from people who know you. These run alongside stage 2."
                ),
            ),
            _step(
                "Assessment stage 2: getting to know you",
                "About 4 months",
                p(
                    "A social worker visits you six to eight times. You talk about your life, "
                    "your family and your skills. Together you write a report about you, "
                    "called the Form F."
                ),
            ),
            _step(
                "Fostering panel",
                "Months 6 to 8",
                p(
                    "You meet a friendly group of people who read your report and ask a few "
                    "questions. They then recommend whether you should be approved."
                ),
            ),
            _step(
                "Approval",
                "A few weeks after panel",
                p(
                    "A senior manager at the council makes the final decision. Once you are "
                    "approved, the council starts looking for the right child for you."
                ),
            ),
        ],
        "body": [
            video(
                "A foster carer's first year",
                "https://www.youtube.com/watch?v=DEMO-not-a-real-video",
                "4 minutes",
                h3("Transcript")
                + p(
                    "Narrator: Meet Grace. She is a foster carer in Nottinghamshire.",
                    "Grace: When I rang the hub, I did not know what to expect. They were so "
                    "friendly. A social worker came round, had a cup of tea and looked at the "
                    "spare room.",
                    "Grace: The training was my favourite part. I met people who are still my "
                    "friends now.",
                    "Grace: My first child arrived three weeks after I was approved. I was "
                    "nervous, but my buddy carer rang me that night to see how I was.",
                    "Narrator: To find out more, call the hub or come to an information event.",
                ),
            ),
            faq(
                "Questions about the process",
                [
                    (
                        "Can I stop part way through?",
                        p(
                            "Yes. You can pause or stop at any time. Many people take a break "
                            "and come back when the time is right."
                        ),
                    ),
                    (
                        "Do I choose which council to foster for?",
                        p(
                            "Yes. Most people foster for the council where they live, but we "
                            "will talk it through with you. You can change your mind before "
                            "you apply."
                        ),
                    ),
                    (
                        "Why does it take months?",
                        p(
                            "Children need to be safe, and you need to feel ready. The time "
                            "lets you learn, ask questions and prepare your family."
                        ),
                    ),
                ],
            ),
            ENQUIRE_CTA,
        ],
    },
}

# -- Support -------------------------------------------------------------------------------------

SUPPORT = {
    "model": "home.StandardPage",
    "slug": "support",
    "title": "The support you get",
    "fields": {
        "intro": (
            "You will never foster alone. From your first phone call to long after approval, "
            "there are people, training and money to help you and the children you care for."
        ),
        "listing_summary": "Buddies, training, 24-hour support, Mockingbird and allowances.",
        "search_description": (
            "The support foster carers get in Derby, Derbyshire, Nottingham and Nottinghamshire."
        ),
        "listing_image": Img("constellation"),
        "body": [
            rich_text(
                h2("While you are thinking about it")
                + ul(
                    "<b>A named contact</b> at the hub who keeps in touch and answers your "
                    "questions.",
                    "<b>Check-in calls</b> at each step, so nothing gets lost and you never "
                    "have to chase us.",
                    "<b>Foster carer ambassadors</b>: experienced carers you can talk to "
                    "before you decide, about the good days and the hard ones.",
                )
                + h2("Once you are a foster carer")
                + ul(
                    "<b>A buddy</b>: an experienced carer who looks out for you in your first "
                    "year.",
                    "<b>Your own supervising social worker</b>, who visits regularly.",
                    "<b>Help 24 hours a day</b>: an out-of-hours line for carers.",
                    "<b>Support groups</b> in your area and online.",
                )
            ),
            image(
                "constellation",
                "Drawing of six small houses in a circle, linked to a larger house in the middle.",
                "In Mockingbird, fostering families gather around one hub home.",
            ),
            rich_text(
                h2("Mockingbird")
                + p(
                    "In Mockingbird, six to ten fostering families who live near each other form "
                    "a group called a constellation. An experienced carer runs a hub home at the "
                    "centre. They offer sleepovers, advice and get-togethers, like a big "
                    "extended family."
                )
                + h2("Training")
                + p(
                    "Everyone starts with Skills to Foster. After that, you can take short "
                    "online courses and longer courses on topics like trauma, teenagers and "
                    "first aid. Most training is free and much of it is in the evening."
                )
                + h2("Therapeutic support")
                + p(
                    "If a child is struggling, you can get advice from therapists and "
                    "psychologists who understand children in care. They help you understand "
                    "what is behind a child's behaviour and what helps."
                )
                + h2("Money")
                + p(
                    "You get a weekly allowance for each child to cover their costs, and most "
                    "carers also get a fee. There are extra payments for birthdays, holidays and "
                    "festivals. Each council's page shows its rates."
                )
            ),
            key_figures(
                "Support in numbers",
                [
                    ("24/7", "support line for foster carers"),
                    ("1", "buddy for every new carer"),
                    ("9", "Mockingbird constellations across the region"),
                    ("£0", "cost of training to you"),
                ],
            ),
            quote(
                "It is like having an extended family who really understand fostering.",
                "Kerry, Mockingbird hub home carer in Derby",
                "/stories/kerry-and-lee/",
            ),
            ENQUIRE_CTA,
        ],
    },
}

# -- About the hub -------------------------------------------------------------------------------

ABOUT = {
    "model": "home.StandardPage",
    "slug": "about",
    "title": "About the hub",
    "fields": {
        "intro": (
            f"{HUB_NAME} is one front door for anyone thinking about fostering in Derby, "
            "Derbyshire, Nottingham and Nottinghamshire. We are run by the four councils "
            "together."
        ),
        "listing_summary": "Who we are, what we do and how we work with the four councils.",
        "search_description": (
            f"About {HUB_NAME}, the fostering recruitment hub for four East Midlands councils."
        ),
        "listing_image": Img("home"),
        "body": [
            rich_text(
                h2("Why we exist")
                + p(
                    "Lots of people think about fostering but never take the next step. Some "
                    "do not know who to call. Others get lost between different websites and "
                    "phone numbers.",
                    "So the four councils joined together. Now there is one phone number, one "
                    "website and one friendly team to help you from your first question to "
                    "your application.",
                )
                + h2("What we do")
                + ul(
                    "Answer your questions about fostering, by phone, email or at events.",
                    "Help you choose which council to foster for.",
                    "Arrange your home visit and Skills to Foster training.",
                    "Help you with your application, then hand you over to your council.",
                )
                + h2("What the councils do")
                + p(
                    "Your council assesses and approves you, finds the right child for you and "
                    "supports you as a foster carer. The hub keeps in touch with you and your "
                    "council so the move between us is smooth."
                )
                + h2("Who funds us")
                + p(
                    "The hub is funded by the Department for Education and the four councils. "
                    "We are not a private fostering agency, and we do not make a profit."
                )
            ),
            key_figures(
                "The hub at a glance",
                [
                    ("4", "partner councils"),
                    ("1", "phone number for the whole region"),
                    ("2 days", "to call you back, at most"),
                ],
            ),
            EVENTS_CTA,
        ],
    },
}

# -- FAQs ----------------------------------------------------------------------------------------

FAQS = {
    "model": "home.FAQPage",
    "slug": "faqs",
    "title": "Questions about fostering",
    "fields": {
        "intro": (
            "People ask us lots of questions about who can foster. The short answer is: more "
            "people than you think. Here are the questions we hear most often."
        ),
        "listing_summary": "Can I foster if I rent, work, am single or have pets? Answers here.",
        "search_description": (
            "Answers to common questions about who can foster, money, work and the process."
        ),
        "listing_image": Img("chat"),
        "body": [
            faq(
                "Who can foster",
                [
                    (
                        "Can I foster if I am single?",
                        p(
                            "Yes. Many of our foster carers are single. What matters is that "
                            "you can give a child time, care and a stable home."
                        ),
                    ),
                    (
                        "Can I foster if I am gay, lesbian, bisexual or trans?",
                        p(
                            "Yes. We welcome LGBTQ+ foster carers. Your sexuality and gender "
                            "identity do not affect whether you can foster."
                        ),
                    ),
                    (
                        "Is there an age limit?",
                        p(
                            "There is no legal minimum age, but most fostering services ask "
                            "that you are 21 or over. There is no upper age limit, as long as "
                            "you are fit and well enough to care for a child."
                        ),
                    ),
                    (
                        "Do I need to have children of my own?",
                        p(
                            "No. Experience with children helps, but it can come from work, "
                            "family, friends or volunteering."
                        ),
                    ),
                    (
                        "Can I foster if I have a criminal record?",
                        p(
                            "It depends on what the offence was and when it happened. Many "
                            "minor or old offences do not stop you fostering. Offences against "
                            "children or of violence usually do. Be open with us and we will "
                            "talk it through in confidence."
                        ),
                    ),
                ],
            ),
            faq(
                "Your home",
                [
                    (
                        "Can I foster if I rent my home?",
                        p(
                            "Yes. You can rent from a private landlord, the council or a "
                            "housing association. You will need your landlord's agreement and "
                            "a stable tenancy."
                        ),
                    ),
                    (
                        "Do I need a spare bedroom?",
                        p(
                            "Yes. Every child needs their own bedroom, unless they are brothers "
                            "or sisters who can safely share."
                        ),
                    ),
                    (
                        "Can I foster if I have pets?",
                        p(
                            "Yes. Many children love animals. We will check that your pets are "
                            "safe around children as part of your assessment."
                        ),
                    ),
                    (
                        "Can I foster if I smoke?",
                        p(
                            "You can foster older children, but not children under five, if "
                            "you smoke or vape. We can help you stop."
                        ),
                    ),
                ],
            ),
            faq(
                "Work and money",
                [
                    (
                        "Can I work and foster?",
                        p(
                            "Often, yes. Short breaks fit well around a full-time job. For "
                            "other types of fostering, one carer usually needs to be flexible "
                            "around school hours."
                        ),
                    ),
                    (
                        "Will I get paid?",
                        p(
                            "You get a weekly allowance for each child, and most carers also "
                            'get a fee. See <a href="/councils/">each council\'s page</a> for '
                            "its rates."
                        ),
                    ),
                    (
                        "Does fostering affect my benefits or tax?",
                        p(
                            "Most foster carers pay little or no tax on their fostering income, "
                            "thanks to special tax rules. Fostering income does not usually "
                            "affect benefits. We can point you to free advice."
                        ),
                    ),
                ],
            ),
            faq(
                "The process",
                [
                    (
                        "How long does it take?",
                        p(
                            'Usually six to nine months. See <a href="/how-to-foster/">how to '
                            "become a foster carer</a> for each step."
                        ),
                    ),
                    (
                        "Do I get a say in which child comes to live with me?",
                        p(
                            "Yes. You talk with your social worker about the ages and needs "
                            "you feel able to care for, and you can say no to a match."
                        ),
                    ),
                ],
            ),
            ENQUIRE_CTA,
        ],
    },
}

# -- Policies ------------------------------------------------------------------------------------

PRIVACY = {
    "model": "home.PolicyPage",
    "slug": "privacy",
    "title": "Privacy notice",
    "fields": {
        "intro": (
            "This notice explains what information we collect when you ask about fostering, "
            "why we need it, who we share it with and your rights."
        ),
        "last_updated": datetime.date(2026, 10, 1),
        "listing_summary": "How we use your information when you ask about fostering.",
        "search_description": f"The privacy notice for {HUB_NAME}.",
        "body": [
            rich_text(
                h2("Who we are")
                + p(
                    f"{HUB_NAME} is run by Derby City Council, Derbyshire County Council, "
                    "Nottingham City Council and Nottinghamshire County Council. The four "
                    "councils are joint controllers of the information you give the hub. This "
                    "means they decide together how it is used and are all responsible for "
                    "keeping it safe.",
                    "You can contact our data protection officer by email at "
                    f'<a href="mailto:{DPO_EMAIL}">{DPO_EMAIL}</a>.',
                )
                + h2("What we collect")
                + ul(
                    "Your name, phone number, email address and postcode.",
                    "Who lives with you and whether you have a spare bedroom.",
                    "The type of fostering you are interested in.",
                    "How you heard about us, so we know which adverts and events work.",
                    "Which advert or link brought you to our website (for example the campaign "
                    "name in the link, or the name of the website you came from), and when. "
                    "We never keep your IP address or details of your device.",
                    "Notes of our conversations with you.",
                )
                + p(
                    "If you choose to tell us about your health, ethnicity, religion or "
                    "sexuality, we treat this as special category information and protect it "
                    "with extra care. You do not have to tell us."
                )
                + h2("Why we use it, and our lawful basis")
                + p(
                    "Councils have a legal duty to find enough suitable homes for children in "
                    "their care (section 22G of the Children Act 1989). We use your information "
                    "to answer your enquiry, help you through the first steps of becoming a "
                    "foster carer and pass your details to your chosen council.",
                    "Our lawful basis is that this is a task carried out in the public "
                    "interest (UK GDPR Article 6(1)(e)). For special category information, we "
                    "rely on substantial public interest (Article 9(2)(g) and Schedule 1 of the "
                    "Data Protection Act 2018).",
                    "If you are not ready yet and you agree that we may keep in touch, we rely "
                    "on your consent (Article 6(1)(a)). You can withdraw it at any time.",
                )
                + h2("Where your visit came from")
                + p(
                    "We record which campaign, advert or website brought you to us, and save "
                    "it with your enquiry. We use it only to count which of our adverts work, "
                    "in figures that never name anyone, and so that the councils spend public "
                    "money where it helps most. Our lawful basis is the same public task.",
                    "Until you send an enquiry, that note stays on your own device, in a "
                    "cookie: <b>hub_visit</b> for this visit only, or <b>hub_attribution</b> "
                    "for 90 days if you accept analytics cookies. We keep nothing about your "
                    "visit on our servers.",
                    "You can object: on our cookies page, choose not to let us keep a note of "
                    "where your visit came from, or email our data protection officer and we "
                    "will remove it from your enquiry.",
                )
                + h2("Who we share it with")
                + p(
                    "When you want to go further, we share your details with the council you "
                    "choose, or the council that covers where you live. The four councils have "
                    "a data sharing agreement that sets out what is shared, in what format, how "
                    "it is kept accurate and secure, how long it is kept, and what happens if "
                    "something goes wrong.",
                    "We use carefully chosen companies to run this website and our systems. "
                    "They may only use your information on our instructions. We never sell "
                    "your information, and we keep it in the UK.",
                )
                + h2("How long we keep it")
                + p(
                    "If your enquiry does not go further, we delete your details two years "
                    "after our last contact with you. Once your details pass to a council, that "
                    "council's own retention rules apply. Anonymous figures, such as the "
                    "number of enquiries each month, may be kept longer to help us improve."
                )
                + h2("Your rights")
                + p("You have the right to:")
                + ul(
                    "ask for a copy of the information we hold about you",
                    "ask us to correct anything that is wrong",
                    "ask us to delete your information or limit how we use it",
                    "object to how we use your information",
                    "withdraw your consent to us keeping in touch",
                )
                + p(
                    "To use any of these rights, email our data protection officer. We will "
                    "reply within one month. We do not make automated decisions about you."
                )
                + h2("Complaints")
                + p(
                    "If you are unhappy with how we have used your information, please tell "
                    "us first. You can also complain to the Information Commissioner's Office "
                    '(ICO) at <a href="https://ico.org.uk/make-a-complaint/">ico.org.uk</a>.'
                )
            )
        ],
    },
}

COOKIES = {
    "model": "home.PolicyPage",
    "slug": "cookies",
    "title": "Cookies",
    "fields": {
        "intro": (
            "Cookies are small files saved on your phone, tablet or computer when you visit a "
            "website. This page explains the cookies we use and lets you change your choices."
        ),
        "last_updated": datetime.date(2026, 11, 23),
        "listing_summary": "The cookies this website uses and why, and your cookie settings.",
        "search_description": f"How {HUB_NAME} uses cookies, and how to change your settings.",
        "body": [
            rich_text(
                h2("Essential cookies")
                + p(
                    "These cookies make the website work. They do not track you and you do not "
                    "need to agree to them."
                )
                + ul(
                    "<b>csrftoken</b>: keeps forms safe from misuse when you send us a message. "
                    "It expires after one year.",
                    "<b>hub_cookie_choices</b>: remembers your cookie choices, including a no. "
                    "It expires after one year, and then we ask again.",
                    "<b>sessionid</b>: keeps staff signed in to the editing area (for two "
                    "weeks). For visitors it remembers the enquiry you have just sent, so we "
                    "can show you its reference. For visitors it is deleted when you close your "
                    "browser.",
                )
                + h2("Where your visit came from")
                + p(
                    "To count which of our adverts and links lead people to ask about "
                    "fostering, we keep a note of how your visit started: the campaign "
                    "details in the link you followed (such as utm_source or utm_campaign), "
                    "whether the link came from an advert (yes or no only), the website you "
                    "came from (its name only, not the page), the first page you saw and the "
                    "time.",
                    "Unless you accept analytics cookies, this note is kept for this visit only, "
                    "in a cookie called <b>hub_visit</b> on your device, which your browser "
                    "deletes when you close it. We keep nothing about your visit on our "
                    "servers. If you send us an enquiry, the note is saved with your enquiry "
                    "and used only for counting, in figures that never name anyone. We never "
                    "keep your IP address or details of your device.",
                    "You can object to this at any time: choose \u201cDo not keep a note of "
                    "where my visit came from\u201d below and save. We delete the note at "
                    "once.",
                )
                + h2("Analytics cookies (optional)")
                + p(
                    "With your permission, we use analytics cookies to count visits and see "
                    "which pages are useful. We only set them if you say yes. No analytics "
                    "service ever receives your name, contact details or enquiry reference, and "
                    "nothing is sent to one from the page that shows your reference.",
                    "If you accept, we also keep the note of where your visit came from in a "
                    "cookie called <b>hub_attribution</b> for 90 days, so we can tell which "
                    "advert brought you if you come back later to ask about fostering. If you "
                    "change your mind, choose no below: the cookie is deleted straight away.",
                )
                + h2("Videos")
                + p(
                    "Videos on this site are links to YouTube. YouTube only sets its cookies if "
                    "you choose to go there to watch."
                )
            )
        ],
    },
}

ACCESSIBILITY = {
    "model": "home.AccessibilityStatementPage",
    "slug": "accessibility",
    "title": "Accessibility statement",
    "fields": {
        "website_name": HUB_NAME,
        "listing_summary": "How accessible this website is and how to report a problem.",
        "search_description": f"Accessibility statement for the {HUB_NAME} website.",
        "intro": p(
            f"This website is run by {HUB_NAME} on behalf of four councils. We want as many "
            "people as possible to be able to use it. For example, you should be able to:"
        )
        + ul(
            "change colours, contrast levels and fonts using your browser or device settings",
            "zoom in up to 400% without the text spilling off the screen",
            "get around the website using just a keyboard",
            "get around the website using speech recognition software",
            "listen to the website using a screen reader",
        )
        + p("We have also made the text as simple as possible to understand."),
        "how_accessible": p("We know some parts of this website are not fully accessible:")
        + ul(
            "the video on the 'How to become a foster carer' page has automatic captions, "
            "which contain some mistakes",
            "some older event leaflets are PDF documents that do not work well with screen readers",
        ),
        "feedback_and_contact": p(
            "If you need information on this website in a different format, like large print, "
            "easy read, audio or braille, contact us:"
        )
        + ul(
            f'email <a href="mailto:{ACCESSIBILITY_EMAIL}">{ACCESSIBILITY_EMAIL}</a>',
            f"call {PHONE_NUMBER} ({PHONE_HOURS})",
        )
        + p("We will consider your request and get back to you within 5 working days."),
        "reporting_problems": p(
            "We are always looking to improve the accessibility of this website. If you find "
            "any problems not listed on this page, or think we are not meeting accessibility "
            f'requirements, email <a href="mailto:{ACCESSIBILITY_EMAIL}">'
            f"{ACCESSIBILITY_EMAIL}</a>."
        ),
        "compliance_status": "partial",
        "non_compliance": p(
            "The captions on the video 'A foster carer's first year' were made automatically "
            "and have some errors. This fails WCAG 2.2 success criterion 1.2.2 (Captions, "
            "prerecorded). We will replace them with checked captions by 31 March 2027. The "
            "transcript under the video is accurate.",
            "Some event leaflets published as PDFs are not tagged, so screen readers cannot "
            "read them in a sensible order. This fails WCAG 2.2 success criterion 1.3.1 (Info "
            "and relationships). We are replacing them with web pages by 31 January 2027.",
        ),
        "disproportionate_burden": p("We are not claiming disproportionate burden."),
        "out_of_scope": p(
            "Some links go to the partner councils' own websites. Those pages are covered by "
            "each council's own accessibility statement."
        ),
        "improvements": p(
            "We test every new feature with a keyboard and a screen reader before it goes "
            "live, and run automated checks on every change. The online enquiry form and "
            "event booking were tested in the same way, and we test the whole site again "
            "every year."
        ),
        "prepared_on": datetime.date(2026, 9, 15),
        "last_reviewed_on": datetime.date(2026, 10, 1),
        "last_tested_on": datetime.date(2026, 9, 10),
        "tested_by": "the hub's digital team, with an independent accessibility audit",
        "test_approach": p(
            "We tested a sample of pages covering every page type, chosen following the "
            "WCAG-EM method. We used automated checks, keyboard-only testing, zoom to 400%, "
            "and the NVDA and VoiceOver screen readers."
        ),
    },
}

# Top-level pages below the home page, in creation order (see the module docstring).
PAGES = [
    ENQUIRE,  # first: other pages link to it (the loader then points it at the privacy notice)
    EVENTS,
    TYPES_INDEX,
    STORY_INDEX,
    COUNCILS_INDEX,
    STEPS,
    SUPPORT,
    ABOUT,
    FAQS,
    PRIVACY,
    COOKIES,
    ACCESSIBILITY,
]

# The migration-created home page is filled in place, once every page it points at exists.
HOME = {
    "title": "Home",
    "seo_title": f"{HUB_NAME}: fostering with your local council",
    "search_description": (
        "Find out about fostering with Derby City, Derbyshire, Nottingham City and "
        "Nottinghamshire councils. One friendly team, from your first question to applying."
    ),
    "listing_summary": "Fostering with your local council in the East Midlands.",
    "listing_image": Img("home"),
    "hero_heading": "Could you give a local child a place to call home?",
    "hero_text": (
        "Children in Derby, Derbyshire, Nottingham and Nottinghamshire need caring homes close "
        "to their school, friends and family. Our friendly team will answer your questions "
        "and help you every step of the way."
    ),
    "hero_image": Img("home"),
    "primary_action_label": "Enquire about fostering",
    "secondary_action_label": "Find an information event",
    "key_facts": [
        {"type": "figure", "value": {"figure": "4", "label": "councils working together"}},
        {
            "type": "figure",
            "value": {"figure": "21+", "label": "the usual minimum age, with no upper age limit"},
        },
        {
            "type": "figure",
            "value": {"figure": "6-9 months", "label": "from first call to approval"},
        },
        {"type": "figure", "value": {"figure": "24/7", "label": "support for foster carers"}},
    ],
    "councils_intro": (
        "Foster for the council where you live, with local support groups, training and "
        "payments. We will help you choose."
    ),
    "types_intro": (
        "From weekend short breaks to a home for life, there is more than one way to foster. "
        "Find the type that fits your life."
    ),
    "featured_story": PageRef("/stories/daniel-and-marcus/"),
    "body": [
        rich_text(
            h2("Fostering with your council")
            + p(
                "When you foster with your local council, you foster for children from your own "
                "area. They can stay at their school, near their friends and in touch with "
                "their family.",
                "Councils are not for profit. Every penny goes on children and the people who "
                "care for them.",
            )
        ),
        # Not the featured story's own pull quote, which the story panel above already shows.
        quote(
            "I rent, I am single and I am 58. None of that stopped me.",
            "Grace, foster carer in Nottinghamshire",
            "/stories/grace/",
        ),
        EVENTS_CTA,
        faq(
            "Can I foster?",
            [
                (
                    "I rent my home. Can I foster?",
                    p("Yes, as long as you have a spare bedroom and your landlord agrees."),
                ),
                (
                    "I am single. Can I foster?",
                    p("Yes. Lots of our carers are single."),
                ),
                (
                    "I work full time. Can I foster?",
                    p(
                        'Often, yes. Short breaks fit well around work. <a href="/faqs/">See '
                        "more questions and answers</a>."
                    ),
                ),
            ],
        ),
    ],
}
