"""Adding sources from the news: fetching, extracting, keeping snapshots and suggesting links."""
