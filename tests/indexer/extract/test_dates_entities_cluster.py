from __future__ import annotations

from datetime import UTC, datetime

from indexer.extract.cluster import cluster_id
from indexer.extract.dates import find_dates
from indexer.extract.entities import find_entities
from indexer.extract.numbers import extract_numbers

PUB = datetime(2020, 11, 3, tzinfo=UTC)  # a Tuesday


def test_dates_resolved_against_article_date() -> None:
    assert find_dates("وقال أمس إن", PUB) == ["2020-11-02"]
    assert find_dates("أعلن الثلاثاء أن", PUB) == ["2020-11-03"]
    assert find_dates("أعلن السبت أن", PUB) == ["2020-10-31"]
    assert find_dates("اندلعت في 27 أيلول/سبتمبر", PUB) == ["2020-09-27"]
    assert find_dates("في نهاية مايو الماضي", PUB) == ["2020-05"]
    assert find_dates("معاهدة لعام 1997.", PUB) == ["1997"]
    assert find_dates("في 5 يناير 2019 وقعت", PUB) == ["2019-01-05"]


def test_dates_without_article_date_keep_the_words() -> None:
    assert find_dates("أعلن الثلاثاء أن") == ["الثلاثاء"]
    assert find_dates("لا تاريخ هنا") == []


def test_entities_group_spelling_variants() -> None:
    a = find_entities("القتال في إقليم ناغورنو كاراباخ وسورية")
    b = find_entities("القتال في إقليم ناغورني كاراباخ وسوريا")
    assert a.places == b.places == ["ناغورني كاراباخ", "سوريا"]
    e = find_entities(
        "قال الرئيس الروسي فلاديمير بوتين للمرصد السوري لحقوق الإنسان ووزارة الصحة الفلسطينية"
    )
    assert e.people == ["فلاديمير بوتين"]
    assert "المرصد السوري لحقوق الإنسان" in e.organizations
    assert any(o.startswith("وزارة الصحة") for o in e.organizations)


def _cid(text: str) -> str:
    return cluster_id(text, extract_numbers(text))


def test_cluster_groups_rewordings_but_not_changed_numbers_or_negation() -> None:
    a = "أعلنت وزارة الصحة تسجيل 120 إصابة جديدة بفيروس كورونا في الرياض"
    b = "وزارة الصحة: تسجيل 120 إصابة جديدة بفيروس كورونا في الرياض"
    assert _cid(a) == _cid(b)
    assert _cid(a) != _cid(a.replace("120", "150"))
    assert _cid("الحكومة توافق على الخطة الجديدة للإسكان") != _cid(
        "الحكومة لا توافق على الخطة الجديدة للإسكان"
    )


def test_cluster_keeps_opposite_directions_apart() -> None:
    up = "الدولار يرتفع قرب أعلى مستوى في ثلاثة أسابيع أمام العملات الرئيسية"
    down = "الدولار ينخفض قرب أدنى مستوى في ثلاثة أسابيع أمام العملات الرئيسية"
    assert _cid(up) != _cid(down)


def test_people_named_by_patronymic_chains() -> None:
    people = find_entities(
        "افتتح العميد خالد بن أحمد الداموك المركز، ورافقه العميد منصور بن محمد الشنبري "
        "وعبد الرحمن بن عبدالله، ووليد بن طلال."
    ).people
    assert people == [
        "خالد بن أحمد الداموك",
        "منصور بن محمد الشنبري",
        "عبد الرحمن بن عبدالله",
        "وليد بن طلال",
    ]
    # a person the gazetteer knows is not added again under a longer name
    known = find_entities("الملك سلمان بن عبدالعزيز آل سعود").people
    assert len(known) == 1


def test_cluster_joins_outlets_copies_and_not_sentences_sharing_common_words() -> None:
    def cid(text: str) -> str:
        return cluster_id(text, extract_numbers(text))

    # the same wire story in two outlets (punctuation, hamza and a word differ)
    a = "وقال زاميديو “يكشف تحليلنا التاريخي انك معرض للنزوح بدرجة أكبر بنسبة 60 في المئة اليوم بفعل الكوارث"
    b = "وقال زاميديو: «يكشف تحليلنا التاريخي أنك معرّض للنزوح بدرجة أكبر بنسبة 60 في المئة اليوم بفعل الكوارث"
    assert cid(a) == cid(b)
    # unrelated statements that share only frequent words
    c = "وقال المتحدث إنه عندما يكون الوقت مناسبا فإن الوزارة ستعلن عن المشروعات الجديدة في المنطقة"
    d = "وقال المسؤول إنه عندما يكون الوقت مناسبا فإن الشركة ستطرح الاكتتاب العام للمستثمرين في المنطقة"
    assert cid(c) != cid(d)
