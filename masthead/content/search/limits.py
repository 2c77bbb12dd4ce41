"""The bounds every engine keeps: a page, the matches a reader can page through, and the
set ranking reads."""

PER_PAGE = 20
# Readers page through the best thousand matches; past that a search is refined, not paged.
MAX_RESULTS = 1000
# The bound on ranking. Relevance is ranked among the newest CANDIDATES matches (by
# publication time on both engines), so a word found in half the
# archive costs what a rare one does; every match of a rarer query is ranked. Why this
# bound and not all matches: ranking reads every candidate's text (PostgreSQL's ts_rank its
# document, SQLite's highlight() its headline and standfirst), so
# ranking all of a common word's 500,000 matches takes seconds on either engine, and
# neither has an index that yields matches in relevance order. What it costs a reader: a
# query with more than 2,000 matches (at ~100 stories a day, a word seen in every story of
# the last three weeks; most queries of two or more words match far fewer) is ranked among
# its newest 2,000, which still fill all MAX_RESULTS a reader can page through; the page
# says "More than 1,000 results" and the From/To dates reach the older matches, which are
# ranked in full there (tests/search/test_contract.py pins both).
CANDIDATES = 2000  # at least MAX_RESULTS: both engines count the matches among the candidates
