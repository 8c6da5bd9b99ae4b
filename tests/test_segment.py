from newsstance.data.segment import split_sentences


def texts(article: str) -> list[str]:
    return [s.text for s in split_sentences(article)]


def test_offsets_index_the_input():
    article = "Iran denies selling drones.  The ministry said so.\n\nCrimea was annexed in 2014."
    for s in split_sentences(article):
        assert article[s.start : s.end] == s.text


def test_abbreviations_and_initials_do_not_break_sentences():
    assert texts("The U.S. Senate voted on Tuesday. J. R. R. Tolkien wrote books.") == [
        "The U.S. Senate voted on Tuesday.", "J. R. R. Tolkien wrote books."]


def test_quotation_stays_with_its_reporting_clause():
    assert texts('"We did not sell drones. We never did," the minister said. Mr. Smith agreed.') == [
        '"We did not sell drones. We never did," the minister said.', "Mr. Smith agreed."]


def test_byline_and_credit_lines_are_their_own_sentences():
    out = texts("By JOHN SMITH, Associated Press\nWASHINGTON (AP) — The Senate voted.\n\nPhoto: Getty Images")
    assert out[0] == "By JOHN SMITH, Associated Press"
    assert out[-1] == "Photo: Getty Images"
    assert "WASHINGTON (AP) — The Senate voted." in out


def test_empty_and_whitespace_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []
