"""Chart geometry in plain Python: timelines and bar charts as dataclasses that templates draw as SVG.

Nothing here touches Flask, the database or translations: callers pass plain data (dates, counts, labels
already translated or lazy), and `templates/charts/_timeline.html` and `_bars.html` turn the result into
inline SVG. Coordinates are in the SVG's own user units (its viewBox); CSS scales the drawing to the page.
"""
