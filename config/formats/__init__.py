"""Each language's own way of writing a date (settings.FORMAT_MODULE_PATH).

Django looks here before its own locale formats, so only what the site changes is written down.
Two formats of the site's own, read through `core.dates`:

- LONG_DATE_FORMAT: a date in words ("16 December 2026", "16 grudnia 2026");
- DAY_DATE_FORMAT: the same with the day of the week, as events show it ("Wednesday 16 December
  2026", "środa, 16 grudnia 2026", "بدھ، 16 دسمبر 2026").

Polish needs the month in the genitive after a day number: Django's "E" gives it ("grudnia"),
where "F" gives the nominative ("grudzień") a calendar heading uses. A language with no module
here falls back to Django's DATE_FORMAT for it (see core.dates).
"""
