# "16 grudnia 2026", "środa, 16 grudnia 2026": the genitive month ("E") after the day number.
LONG_DATE_FORMAT = "j E Y"
DAY_DATE_FORMAT = "l, j E Y"
