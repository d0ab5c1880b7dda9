from __future__ import annotations

from indexer.text.clean import clean_body


def test_repeated_paragraphs_and_html_are_cleaned() -> None:
    body = (
        "<p>قال الوزير إن 5 أشخاص قتلوا.</p><p>اقرأ أيضا: خبر آخر</p>"
        "<p>قال الوزير إن 5 أشخاص قتلوا.</p><script>x()</script>"
    )
    assert clean_body(body) == "قال الوزير إن 5 أشخاص قتلوا."


def test_control_characters_and_spaces() -> None:
    assert clean_body("الخبر\x07  الأول\r\n\r\nالثاني\u00a0هنا") == "الخبر الأول\nالثاني هنا"
