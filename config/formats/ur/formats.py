# "16 دسمبر 2026", "بدھ، 16 دسمبر 2026": day, month, year, with the Arabic comma after the day
# of the week. Django ships no Urdu formats, so its defaults (American "N j, Y") would apply.
LONG_DATE_FORMAT = "j F Y"
DAY_DATE_FORMAT = "l، j F Y"
DATE_FORMAT = "j F Y"
