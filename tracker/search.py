"""Full-text search over agreements: the engine-specific SQL behind the free-text filter of the query page and API.

Migration 0006 keeps one row of searchable text per agreement in `agreement_search` (title in both languages,
summary, notes, names and aliases of live parties, titles and latest snapshot text of live sources; 0012 adds the
names and keywords of live sectors, 0021 the document number and ratifying instrument to the titles, 0025 the text
of live attached documents), maintained by triggers, and indexes it: SQLite with the FTS5 table
`agreement_fts` (unicode61, case and diacritics folded), PostgreSQL with the weighted tsvector
`agreement_search.document` (config 'simple', `search_fold` = unaccent) and ranks with `rank_document`, the same
without the sources' and documents' text.

Searches are made of words: every word must occur somewhere in the agreement's text (AND), a word of three or
more characters also matches longer words it begins ("mould" finds "moulds"), and each word is quoted so that
no input is query syntax. Words without a letter or digit ("%", "-") are ignored. An inflected English word also
matches the other forms of its stem ("batteries" finds "battery", "vehicles" finds "vehicle"), and a phrase of the
glossary (the entries admins keep, and the sectors' names and keywords) any phrase that stands for it ("baterai"
finds "battery"), ranked after the agreements with the phrase typed. An Indonesian word also matches its root and
the root's prefixed forms (Sastrawi's dictionary-based stemmer: "perjanjian" → "janji", which finds "berjanji" and
"perjanjian"; roots under four letters are left alone). All this is done on the query, in Python; the index keeps
the words as written, so both engines answer a query alike. The statements here are ordinary SQLAlchemy constructs
compiled differently per dialect, so callers never ask which engine runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Float, Integer, bindparam, column, inspect, select, text, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import TableValuedAlias

from tracker.models import SEARCH_COLUMNS, GlossaryEntry, Sector
from tracker.text import fold

# Shorter words match whole words only: a one- or two-letter prefix would match a large part of the index.
MIN_PREFIX = 3
# A stem is shorter than the word typed; a short one ("die" of "dies") would match unrelated words ("diesel").
MIN_STEM_PREFIX = 5
# Only endings of inflection are taken off: "electric" → "electr" would find "electronics".
INFLECTIONS = ("s", "es", "e", "ed", "ing")
# An Indonesian root shorter than this is left alone: "pengadaan" → "ada" ("there is") would find half the index.
MIN_ROOT = 4
# The prefixes an Indonesian root takes, before its nasal or other sound changes (`_affixed`); suffixes (-an, -kan,
# -i, -nya) are matched by prefix matching, which every affixed form (at least six letters) and a root of five or
# more letters gets.
PLAIN_PREFIXES = ("per", "memper", "diper", "di", "ke")
VOWELS = frozenset("aeiou")
# A word as SQLite's unicode61 reads one: letters and digits, anything else between words.
WORD_RUN = re.compile(r"[^\W_]+")
# Relevance weights per column, in SEARCH_COLUMNS order (title, summary, notes, parties, sectors, sources, documents).
BM25_WEIGHTS = (10.0, 4.0, 2.0, 5.0, 4.0, 1.0, 1.0)
# The long columns: PostgreSQL's `rank_document` leaves them out (migrations 0006, 0025).
LONG_COLUMNS = ("sources", "documents")
# PostgreSQL ranks by the weight letters migrations 0006, 0012 and 0025 give the columns (title A, parties, sectors
# and summary B, notes C, sources and documents D); the array lists D, C, B, A. It ranks with ts_rank over *any* of
# the words: each word counts by the best column it occurs in, as bm25's column weights do. ts_rank_cd (and ts_rank
# over all the words) reward words that stand close together, which across the columns of one document put "jeju"
# in the notes next to "AITEC" among the parties above "Jeju" in the title with "AITEC" in the notes.
TS_RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"


def search_terms(text_: str) -> list[str]:
    """The words of a search that can match: split on white space, NULs dropped, at least one letter or digit."""
    return [term for term in text_.replace("\x00", " ").split() if any(char.isalnum() for char in term)]


def _stem(word: str) -> str | None:
    """The English stem of an inflected word of letters ("batteries", "battery" → "batteri"), else None."""
    if not word.isalpha():
        return None
    stem = _english().stemWord(word)
    if any(word == stem + ending for ending in INFLECTIONS) or (stem.endswith("i") and word == stem[:-1] + "y"):
        return stem
    return None


# The stemmers are imported when first used (a search), not with the app: together ~110 modules, a tenth of a second
# of every start, the command line's included.
@cache
def _english() -> Any:
    """Snowball's English stemmer (made once)."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@cache
def _sastrawi() -> Any:
    """Sastrawi's dictionary-based Indonesian stemmer (made once: it loads a dictionary of 30,000 roots)."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@cache
def indonesian_root(word: str) -> str | None:
    """The Indonesian root of a word of letters ("perjanjian" → "janji", "janji" → "janji"), else None: for a word
    Sastrawi neither reduces nor finds in its dictionary (most English words), and for a root under four letters."""
    if not word.isalpha():
        return None
    stemmer = _sastrawi()
    root = stemmer.stem(word)
    # The dictionary is of roots: a reduced word had a known root; an unreduced one must be a root itself.
    if root == word and not stemmer.delegatedStemmer.dictionary.contains(word):
        return None
    return root if len(root) >= MIN_ROOT and root.isalpha() else None


def _nasal(prefix: str, root: str) -> list[str]:
    """meN- or peN- (`prefix` "me" or "pe") on a root, with its sound changes: "bangun" → "membangun", "tanam" →
    "menanam", "kirim" → "mengirim", "susun" → "menyusun"; a root starting with a cluster keeps its first letter
    ("produksi" → "memproduksi"), so both spellings are given for p, t, k and s."""
    first, rest = root[0], root[1:]
    if first in VOWELS or first in "gh":
        return [prefix + "ng" + root]
    if first in "bfv":
        return [prefix + "m" + root]
    if first == "p":
        return [prefix + "m" + rest, prefix + "m" + root]
    if first == "t":
        return [prefix + "n" + rest, prefix + "n" + root]
    if first in "dcjz":
        return [prefix + "n" + root]
    if first == "s":
        return [prefix + "ny" + rest, prefix + "n" + root]
    if first == "k":
        return [prefix + "ng" + rest, prefix + "ng" + root]
    return [prefix + root]


def _affixed(root: str) -> list[str]:
    """The prefixed forms of an Indonesian root, each to be matched with any suffix after it ("janji" →
    "perjanji" for "perjanjian", "berjanji", "menjanji" for "menjanjikan", ...)."""
    forms = _nasal("me", root) + _nasal("pe", root) + [prefix + root for prefix in PLAIN_PREFIXES]
    # ber- and ter- lose their r before an r, and ber- before a first syllable in "er" ("kerja" → "bekerja").
    forms += ["be" + root if root[0] == "r" or root[1:3] == "er" else "ber" + root]
    forms += ["te" + root if root[0] == "r" else "ter" + root]
    return forms


def word_forms(term: str) -> list[tuple[str, bool]]:
    """The forms a term matches, each with whether it also matches longer words: the term itself; for an
    inflected English word its stem ("batteries" → "batteri", "vehicle" → "vehicl") with the "y" ending ("battery")
    that the stemmer turned into "i"; for an Indonesian word its root and the root's prefixed forms, so that
    "perjanjian", "berjanji" and "janji" find one another."""
    forms = [(term, len(term) >= MIN_PREFIX)]
    word = term.lower()
    stem = _stem(word)
    if stem is not None:
        stems = [stem, stem[:-1] + "y"] if stem.endswith("i") else [stem]
        forms += [(form, len(form) >= MIN_STEM_PREFIX) for form in stems]
    root = indonesian_root(word)
    if root is not None:
        forms += [(root, len(root) >= MIN_STEM_PREFIX)] + [(form, True) for form in _affixed(root)]
    seen = {word}
    return forms[:1] + [(form, longer) for form, longer in forms[1:] if form not in seen and not seen.add(form)]


def word_key(term: str) -> str:
    """A word as the glossary compares it: folded, without the punctuation around it, stemmed when inflected."""
    start, end = 0, len(folded := fold(term))
    while start < end and not folded[start].isalnum():
        start += 1
    while end > start and not folded[end - 1].isalnum():
        end -= 1
    word = folded[start:end]
    return _stem(word) or word


Phrase = tuple[str, ...]
# Phrases any of which a part of the query matches.
Group = tuple[Phrase, ...]


@dataclass(frozen=True)
class Glossary:
    """Phrases that stand for one another in any language ("baterai", "battery"): a query's phrase matches any."""

    # The compared words of each phrase → every phrase of the entries it belongs to, as written.
    entries: dict[Phrase, tuple[Phrase, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[Iterable[str]]) -> Glossary:
        """A glossary of entries, each the phrases that stand for one another."""
        found: dict[Phrase, dict[Phrase, None]] = {}
        for entry in entries:
            # One phrase per compared form: "battery" stands for "Batteries" already.
            by_key = {_keys(phrase): phrase for phrase in map(tuple, map(search_terms, entry)) if phrase}
            phrases = list(by_key.values())
            for key in by_key:
                found.setdefault(key, {}).update(dict.fromkeys(phrases))
        return cls({key: tuple(phrases) for key, phrases in found.items()})

    def groups(self, terms: list[str]) -> list[Group]:
        """The query as groups that must all match, each by any of its phrases: a run of terms that is a phrase of
        the glossary (the longest first) with the other phrases of its entries, and every other term alone."""
        keys, longest = _keys(terms), max(map(len, self.entries), default=0)
        groups, start = [], 0
        while start < len(terms):
            for length in range(min(longest, len(terms) - start), 0, -1):
                typed = tuple(terms[start : start + length])
                if others := self.entries.get(keys[start : start + length]):
                    break
            else:
                typed, others = (terms[start],), ()
            groups.append((typed, *(phrase for phrase in others if _keys(phrase) != _keys(typed))))
            start += len(typed)
        return groups


NO_GLOSSARY = Glossary()


def _keys(phrase: Iterable[str]) -> Phrase:
    """The compared words of a phrase."""
    return tuple(word_key(term) for term in phrase)


def phrase_key(phrase: str) -> Phrase:
    """A phrase as the glossary compares it ("Batteries" and "battery" alike)."""
    return _keys(search_terms(phrase))


def glossary_of(session: Session) -> Glossary:
    """The search glossary: the entries admins keep (one phrase per line), and the sector vocabulary, where the name
    and keywords of each live sector stand for one another."""
    sectors = select((Sector.name + "\n" + Sector.keywords).label("phrases"))
    # One statement for both: the glossary is read for every search.
    rows = session.scalars(union_all(sectors, select(GlossaryEntry.phrases))).all()
    return glossary_from(tuple(rows))


@lru_cache(maxsize=8)
def glossary_from(rows: tuple[str, ...]) -> Glossary:
    """The glossary of these entries' texts, kept by their content: stemming every sector's words took ~17 ms of each
    search's CPU at the demo's vocabulary, while the texts change only when an admin edits them."""
    return Glossary.of(phrases.splitlines() for phrases in rows)


def _query(groups: list[Group], quote: Callable[[str], str], prefix: str, ops: tuple[str, str, str]) -> str:
    """A query in an engine's syntax: the groups joined by the first operator, each any (the second) of its
    phrases, each phrase every (the third) term, each term any of its forms, quoted by `quote` and followed by
    `prefix` when it matches longer words."""
    between, any_, every = ops

    def joined(parts: list[str], operator: str) -> str:
        return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"

    def term(term_: str) -> str:
        return joined([quote(form) + (prefix if longer else "") for form, longer in word_forms(term_)], any_)

    def group(phrases: tuple[Phrase, ...]) -> str:
        return joined([joined([term(term_) for term_ in phrase], every) for phrase in phrases], any_)

    return f" {between} ".join(group(phrases) for phrases in groups)


def _fts5_quoted(term: str) -> str:
    """An FTS5 phrase of the term's own words."""
    return '"' + term.replace('"', '""') + '"'


def _tsquery_quoted(term: str) -> str:
    """The term's words, as unicode61 splits them (runs of letters and digits), one after the other: a to_tsquery()
    phrase like the FTS5 phrase of the term. The document's words are split alike (migration 0012)."""
    # A search term has a letter or digit, so at least one run; runs hold no quote or backslash to escape.
    return " <-> ".join(f"'{run}'" for run in WORD_RUN.findall(term))


def fts5_query(groups: list[Group]) -> str:
    """An FTS5 query for every group: each form a quoted phrase (so never syntax), prefix-matched when long enough."""
    # Explicit ANDs: FTS5 takes no implicit one after a parenthesised group.
    return _query(groups, _fts5_quoted, "*", ("AND", "OR", "AND"))


def tsquery_text(groups: list[Group], operator: str = "&") -> str:
    """A to_tsquery() input for every (&) or any (|) group: each form quoted (so never operators), prefix-matched
    when long enough."""
    return _query(groups, _tsquery_quoted, ":*", (operator, "|", "&"))


# Where a _FullText element keeps each form of the query, counted from the end of its clauses.
FTS5_QUERY, TSQUERY_ALL, TSQUERY_ANY = -3, -2, -1
# Where a _Hits element keeps the query of the words as typed, without the glossary's other phrases (when it has any).
TYPED_FTS5, TYPED_TSQUERY = 0, 1
# Added to the rank of an agreement that matches only through the glossary's other phrases: it comes after every
# agreement with the words typed ("baterai" first finds what says "baterai", then what says "battery"). Far beyond
# any rank: bm25 and -ts_rank are small numbers.
SYNONYMS_ONLY = 1_000_000


class _FullText(FunctionElement[Any]):
    """A full-text construct carrying the query in each engine's form; each dialect renders the one it uses."""

    inherit_cache = True

    def __init__(self, *clauses: Any, groups: list[Group]) -> None:
        super().__init__(
            *clauses,
            bindparam("fts5_query", fts5_query(groups), unique=True),
            bindparam("tsquery", tsquery_text(groups), unique=True),
            bindparam("tsquery_any", tsquery_text(groups, "|"), unique=True),
        )


class _Matches(_FullText):
    """`<agreement id column> IN (agreements matching the query)`."""

    name = "search_matches"
    inherit_cache = True
    # Not typed Boolean: SQLite would be given "(...) = 1", which keeps it from looking agreements up by id.


class _Hits(_FullText):
    """The agreements matching the query with their rank (lower is more relevant): a FROM item to join and order by.

    When the glossary gave a group other phrases, the query of the typed words comes first, to rank the agreements
    that match only through the other phrases last."""

    name = "search_hits"
    inherit_cache = True

    def __init__(self, groups: list[Group]) -> None:
        typed = [group[:1] for group in groups]
        clauses = []
        if typed != groups:
            clauses = [
                bindparam("typed_fts5_query", fts5_query(typed), unique=True),
                bindparam("typed_tsquery", tsquery_text(typed), unique=True),
            ]
        super().__init__(*clauses, groups=groups)


def _typed(element: _Hits) -> bool:
    """Whether the hits carry the query of the typed words apart."""
    return len(element.clauses) > -FTS5_QUERY


def _render(element: _FullText, compiler: Any, *positions: int, **kw: Any) -> list[str]:
    """The element's clauses at `positions`, compiled; only those are rendered, so only their values are sent."""
    clauses = list(element.clauses)
    return [compiler.process(clauses[position], **kw) for position in positions]


@compiles(_Matches, "sqlite")
def _matches_sqlite(element: _Matches, compiler: Any, **kw: Any) -> str:
    id_column, query = _render(element, compiler, 0, FTS5_QUERY, **kw)
    return f"{id_column} IN (SELECT rowid FROM agreement_fts WHERE agreement_fts MATCH {query})"


@compiles(_Matches, "postgresql")
def _matches_postgresql(element: _Matches, compiler: Any, **kw: Any) -> str:
    id_column, query = _render(element, compiler, 0, TSQUERY_ALL, **kw)
    return (
        f"{id_column} IN (SELECT search.agreement_id FROM agreement_search AS search "
        f"WHERE search.document @@ to_tsquery('simple', search_fold({query})))"
    )


# Each hit is ranked as it is found, in the one pass over the matches: a rank looked up per agreement (a correlated
# subquery) read every matching document a second time, 1.4 s for a word in 77,000 of 100,000 agreements on
# PostgreSQL. A COUNT over the join leaves the rank out: neither engine computes a column no one reads.
@compiles(_Hits, "sqlite")
def _hits_sqlite(element: _Hits, compiler: Any, **kw: Any) -> str:
    (query,) = _render(element, compiler, FTS5_QUERY, **kw)
    weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
    tier = ""
    if _typed(element):
        (typed,) = _render(element, compiler, TYPED_FTS5, **kw)
        tier = (
            f" + CASE WHEN rowid IN (SELECT rowid FROM agreement_fts WHERE agreement_fts MATCH {typed}) "
            f"THEN 0 ELSE {SYNONYMS_ONLY} END"
        )
    return (
        f"(SELECT rowid AS agreement_id, bm25(agreement_fts, {weights}){tier} AS rank "
        f"FROM agreement_fts WHERE agreement_fts MATCH {query})"
    )


@compiles(_Hits, "postgresql")
def _hits_postgresql(element: _Hits, compiler: Any, **kw: Any) -> str:
    every_word, any_word = _render(element, compiler, TSQUERY_ALL, TSQUERY_ANY, **kw)
    # rank_document leaves out the sources' and documents' text (weight D): it stays in the row, where the whole
    # document would be read from TOAST storage for every match. A match in the sources only ranks last.
    tier = ""
    if _typed(element):
        (typed,) = _render(element, compiler, TYPED_TSQUERY, **kw)
        typed_match = f"search.document @@ to_tsquery('simple', search_fold({typed}))"
        tier = f" + CASE WHEN {typed_match} THEN 0 ELSE {SYNONYMS_ONLY} END"
    return (
        f"(SELECT search.agreement_id, "
        f"-ts_rank('{TS_RANK_WEIGHTS}', search.rank_document, to_tsquery('simple', search_fold({any_word}))){tier} "
        f"AS rank FROM agreement_search AS search "
        f"WHERE search.document @@ to_tsquery('simple', search_fold({every_word})))"
    )


def matches(id_column: ColumnElement[int], text_: str, glossary: Glossary = NO_GLOSSARY) -> ColumnElement[bool]:
    """A condition: the agreement whose id is `id_column` contains every searchable word of `text_` (or, for a
    phrase of the glossary, one of the phrases that stand for it).

    Callers check `search_terms(text_)` first: without a searchable word there is nothing to filter on.
    """
    return _Matches(id_column, groups=glossary.groups(search_terms(text_)))


def widens(text_: str, glossary: Glossary) -> bool:
    """Whether the glossary gives any phrase of `text_` other phrases that stand for it (then more may match)."""
    return any(len(group) > 1 for group in glossary.groups(search_terms(text_)))


def ranked_hits(text_: str, glossary: Glossary = NO_GLOSSARY) -> TableValuedAlias:
    """The agreements `matches` finds, as `hits` (agreement_id, rank): join it to filter and order by `rank`
    ascending, best first. Callers check `search_terms(text_)` first."""
    columns = (column("agreement_id", Integer), column("rank", Float))
    return _Hits(glossary.groups(search_terms(text_))).table_valued(*columns).alias("hits")


# --- checking and rebuilding the index: the document expressions of migrations 0006, 0012, 0021, 0025 in step ---

# A sector's words: its name, then its keywords (one per line) when it has any.
SECTOR_WORDS = "s.name || CASE WHEN s.keywords = '' THEN '' ELSE ' ' || s.keywords END"


SNAPSHOT_CHARS = 100_000
DOCUMENT_CHARS = 100_000
# What names an agreement besides its titles ("B-123/M-IND/KS/IX/2019", "Keppres No. 37 Tahun 1993"): in the title
# part after them, each only when recorded, so that an agreement without them has the text it had before 0021.
IDENTIFIERS = ("document_number", "ratifying_instrument")
TITLE = "a.title || ' ' || a.title_local || " + " || ".join(
    f"CASE WHEN a.{name} = '' THEN '' ELSE ' ' || a.{name} END" for name in IDENTIFIERS
)


def _document_sql(dialect: str, agreement: str) -> dict[str, str]:
    """SQL for each document column of the agreement whose id is the SQL `agreement` (as the triggers write it)."""
    if dialect == "sqlite":
        parties = f"""coalesce((SELECT group_concat(names, ' ') FROM (
            SELECT (SELECT p.name || coalesce(' ' || (SELECT group_concat(alias, ' ') FROM (
                    SELECT pa.alias FROM party_alias pa WHERE pa.party_id = p.id ORDER BY pa.alias, pa.id)), '')
                FROM party p WHERE p.id = ap.party_id AND p.archived_at IS NULL) AS names
            FROM (SELECT DISTINCT party_id FROM agreement_party WHERE agreement_id = {agreement}) AS ap
            ORDER BY ap.party_id)), '')"""
        sources = f"""coalesce((SELECT group_concat(body, ' ') FROM (
            SELECT (SELECT s.title || coalesce(' ' || (
                    SELECT substr(ss.text, 1, {SNAPSHOT_CHARS}) FROM source_snapshot ss WHERE ss.source_id = s.id
                    ORDER BY ss.retrieved_at DESC, ss.id DESC LIMIT 1), '')
                FROM source s WHERE s.id = ls.source_id AND s.archived_at IS NULL) AS body
            FROM agreement_source ls WHERE ls.agreement_id = {agreement}
            ORDER BY ls.source_id)), '')"""
        sectors = f"""coalesce((SELECT group_concat(words, ' ') FROM (
            SELECT {SECTOR_WORDS} AS words FROM agreement_sector ag JOIN sector s ON s.id = ag.sector_id
            WHERE ag.agreement_id = {agreement} AND s.archived_at IS NULL ORDER BY s.id)), '')"""
        documents = f"""coalesce((SELECT group_concat(body, ' ') FROM (
            SELECT substr(d.text, 1, {DOCUMENT_CHARS}) AS body FROM document d
            WHERE d.agreement_id = {agreement} AND d.archived_at IS NULL ORDER BY d.id)), '')"""
    else:
        parties = f"""coalesce((SELECT string_agg(names, ' ' ORDER BY party_id) FROM (
            SELECT ap.party_id, (SELECT p.name || coalesce(' ' || (
                    SELECT string_agg(pa.alias, ' ' ORDER BY pa.alias, pa.id) FROM party_alias pa
                    WHERE pa.party_id = p.id), '')
                FROM party p WHERE p.id = ap.party_id AND p.archived_at IS NULL) AS names
            FROM (SELECT DISTINCT party_id FROM agreement_party WHERE agreement_id = {agreement}) AS ap
            ) AS linked), '')"""
        sources = f"""coalesce((SELECT string_agg(body, ' ' ORDER BY source_id) FROM (
            SELECT ls.source_id, (SELECT s.title || coalesce(' ' || (
                    SELECT left(ss.text, {SNAPSHOT_CHARS}) FROM source_snapshot ss WHERE ss.source_id = s.id
                    ORDER BY ss.retrieved_at DESC, ss.id DESC LIMIT 1), '')
                FROM source s WHERE s.id = ls.source_id AND s.archived_at IS NULL) AS body
            FROM agreement_source ls WHERE ls.agreement_id = {agreement}) AS linked), '')"""
        sectors = f"""coalesce((SELECT string_agg({SECTOR_WORDS}, ' ' ORDER BY s.id)
            FROM agreement_sector ag JOIN sector s ON s.id = ag.sector_id
            WHERE ag.agreement_id = {agreement} AND s.archived_at IS NULL), '')"""
        documents = f"""coalesce((SELECT string_agg(left(d.text, {DOCUMENT_CHARS}), ' ' ORDER BY d.id) FROM document d
            WHERE d.agreement_id = {agreement} AND d.archived_at IS NULL), '')"""
    return {
        "title": TITLE,
        "summary": "a.summary",
        "notes": "a.notes",
        "parties": parties,
        "sectors": sectors,
        "sources": sources,
        "documents": documents,
    }


def stale_documents(connection: Connection) -> list[int]:
    """Ids of agreements whose indexed text differs from what their records say now (empty when in sync).

    Compares `agreement_search` with the text computed afresh, and the index with `agreement_search`
    (FTS5's integrity check on SQLite; the stored tsvector against a recomputed one on PostgreSQL).
    """
    dialect = connection.dialect.name
    fresh = _document_sql(dialect, "a.id")
    present = _indexed_columns(connection)
    differs = " OR ".join(f"doc.{name} IS DISTINCT FROM ({fresh[name]})" for name in present)
    if dialect == "sqlite":
        differs = differs.replace("IS DISTINCT FROM", "IS NOT")
    else:
        columns = ", ".join(f"doc.{name}" for name in present)
        differs += f" OR doc.document IS DISTINCT FROM search_document({columns})"
        ranked = ", ".join("''" if name in LONG_COLUMNS else f"doc.{name}" for name in present)
        differs += f" OR doc.rank_document IS DISTINCT FROM search_document({ranked})"
    statement = f"""SELECT a.id FROM agreement a LEFT JOIN agreement_search doc ON doc.agreement_id = a.id
        WHERE doc.agreement_id IS NULL OR {differs}
        UNION SELECT doc.agreement_id FROM agreement_search doc WHERE doc.agreement_id NOT IN (SELECT id FROM agreement)
        ORDER BY 1"""
    stale = list(connection.scalars(text(statement)))
    if dialect == "sqlite":
        # Raises "database disk image is malformed" (SQLITE_CORRUPT_VTAB) when the index and its content disagree.
        connection.execute(text("INSERT INTO agreement_fts (agreement_fts, rank) VALUES ('integrity-check', 1)"))
    return stale


def _indexed_columns(connection: Connection) -> list[str]:
    """The document columns the database has: all of them at the head revision; fewer when the migration tests check
    the index at an earlier one (before 0025 there is no `documents`)."""
    names = {column["name"] for column in inspect(connection).get_columns("agreement_search")}
    return [name for name in SEARCH_COLUMNS if name in names]


def rebuild(connection: Connection) -> None:
    """Recompute every agreement's indexed text from the records (after a bulk load, or to repair the index)."""
    connection.execute(text("DELETE FROM agreement_search"))
    index_agreements(connection)


def index_agreements(connection: Connection, first: int | None = None, last: int | None = None) -> None:
    """Write the indexed text of the agreements with ids first..last (every agreement without a range), which have
    none yet."""
    fresh = _document_sql(connection.dialect.name, "a.id")
    columns = ", ".join(SEARCH_COLUMNS)
    within = " WHERE a.id BETWEEN :first AND :last" if first is not None and last is not None else ""
    connection.execute(
        text(
            f"INSERT INTO agreement_search (agreement_id, {columns}) "
            f"SELECT a.id, {', '.join(fresh[name] for name in SEARCH_COLUMNS)} FROM agreement a{within}"
        ),
        {"first": first, "last": last} if within else {},
    )


@contextmanager
def bulk_load(connection: Connection) -> Iterator[None]:
    """Load many rows inside the block, then index them all at once (`triggers_off`, then `rebuild` on PostgreSQL).

    SQLite's triggers cannot be turned off; they keep the index up to date row by row as usual.
    """
    with triggers_off(connection):
        yield
    if connection.dialect.name == "postgresql":
        rebuild(connection)


@contextmanager
def sqlite_triggers_dropped(connection: Connection) -> Iterator[None]:
    """On SQLite, the search triggers that follow each row are gone inside the block and made again from their own
    SQL at its end; elsewhere nothing changes. The caller indexes what it wrote (`index_agreements`).

    SQLite cannot turn a trigger off, but its DDL is transactional: the triggers are dropped within the caller's
    transaction, so other connections keep seeing them, and a rollback (of the transaction or of a savepoint around
    the block) brings them back with everything written. The triggers that keep the FTS table in step with
    `agreement_search` stay: indexing a document goes through them.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    triggers = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search!_%' ESCAPE '!' "
            "AND tbl_name <> 'agreement_search' ORDER BY name"
        )
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:  # also after an error: a caller that commits anyway must not lose the triggers
        for _name, sql in triggers:
            connection.exec_driver_sql(sql)


@contextmanager
def triggers_off(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, the search triggers that follow each row are off inside the block; elsewhere nothing changes.

    ALTER TABLE locks the tables until the transaction ends: this is for loading tools, not for the running app.
    The caller indexes what it loaded (`rebuild`, `index_agreements`).
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    triggers = disable_triggers(connection)
    yield
    enable_triggers(connection, triggers)


def disable_triggers(connection: Connection) -> list[tuple[str, str]]:
    """PostgreSQL: turn off the search triggers that follow each row (not agreement_search's own, which computes the
    tsvectors); returns them as (table, trigger) for `enable_triggers`. They stay off once committed."""
    triggers = [
        (table, name)
        for table, name in connection.execute(
            text(
                # regclass and quote_ident give names ready for SQL.
                "SELECT tgrelid::regclass::text, quote_ident(tgname) FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgname LIKE 'search!_%' ESCAPE '!' AND tgrelid <> 'agreement_search'::regclass"
            )
        )
    ]
    for table, name in triggers:
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {name}"))
    return triggers


def enable_triggers(connection: Connection, triggers: list[tuple[str, str]]) -> None:
    """PostgreSQL: turn the triggers `disable_triggers` turned off on again."""
    for table, name in triggers:
        connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))
