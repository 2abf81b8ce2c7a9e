"""Adding sources from the news, the part that meets the outside world: fetching a page (fetch/), extracting its
metadata and text (extract/), matching the text for suggestions (suggest/), and carrying the extraction to the
review's confirmation (acquire.py, review.py). Nothing here queries the database: tracker/queries/suggestions.py
loads what the suggestions are matched against, tracker/services/snapshots.py and ingest.py keep the result."""
