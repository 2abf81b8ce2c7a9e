"""What the two boundaries share, the pages (tracker/web) and the JSON API (tracker/api), which import nothing
from each other: the transient-failure retry, problem details, who sees archived records, paging and the
agreement query's filters.
"""
