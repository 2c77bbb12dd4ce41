"""Snippets and marked headlines: the query's words marked by stem, the best window, escaped."""

from __future__ import annotations

from masthead.content.search.snippets import highlight, snippet


def test_words_are_marked_by_their_stem():
    assert str(highlight("Elections in Pune", ["election"], "english")) == "<mark>Elections</mark> in Pune"
    assert "<mark>running</mark>" in snippet("The trains were running late.", ["runs"], "english")


def test_the_window_with_the_most_query_words_is_chosen_and_cut_with_an_ellipsis():
    text = " ".join(["filler"] * 100) + " monsoon rain over kerala " + " ".join(["filler"] * 100)
    shown = str(snippet(text, ["monsoon", "kerala"], "english", window=10))
    assert "<mark>monsoon</mark>" in shown and "<mark>kerala</mark>" in shown
    assert shown.startswith("… ") and shown.endswith(" …")


def test_text_is_escaped_and_nothing_matching_shows_the_opening_words():
    shown = str(snippet("Prices <b>rise</b> & costs fall", ["zebra"], "english"))
    assert "<b>" not in shown and "&lt;b&gt;" in shown and "&amp;" in shown
    assert "<mark>" not in shown


def test_a_language_without_a_stemmer_matches_words_as_they_are():
    assert str(highlight("Elections", ["election"], "simple")) == "Elections"
    assert str(highlight("Elections", ["elections"], "simple")) == "<mark>Elections</mark>"


def test_an_empty_text_gives_an_empty_snippet():
    assert str(snippet("", ["tea"], "english")) == ""
