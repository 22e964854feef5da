# GOV.UK style: "16 December 2026", "Wednesday 16 December 2026" (no commas, no ordinals).
LONG_DATE_FORMAT = "j F Y"
DAY_DATE_FORMAT = "l j F Y"
