"""Suggestions from an article's text (Indonesian and English), without the database: the text's words matched
against names, aliases and keywords, its periods and cues, and recorded agreements scored against them.
tracker/queries/suggestions.py loads what is recorded and puts them together (`suggest`).

Names, aliases and sector keywords are compared as words: accents dropped, case folded, punctuation read as
a word break ("AITEC Co.Ltd" and "AITEC Co., Ltd" are the same three words), so "dies" is never found in
"studies". Periods and cues are regular expressions over the text with its accents dropped.

words.py     the text's words in comparison form, and the text without accents
phrases.py   names, aliases or keywords found in a text as whole words
periods.py   the periods a text gives ("sejak 2006 ... berakhir 2018", "2006–2018")
cues.py      words pointing to an instrument type, a status or a renewal intent
scoring.py   recorded agreements scored against what the text says, with the reasons
quotes.py    the sentence to quote as the note of a link
"""
