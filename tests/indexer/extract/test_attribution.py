from __future__ import annotations

import pytest

from indexer.extract.attribution import AttributionContext, find_attribution


def test_verb_first_with_apposition() -> None:
    att = find_attribution("كشف وزير الخارجية الروسي، سيرغي لافروف، الثلاثاء، أن العدد كبير")
    assert att.verb == "كشف"
    assert att.claimant == "وزير الخارجية الروسي سيرغي لافروف"
    assert att.claimant_type == "person"


def test_types() -> None:
    assert find_attribution("وقالت مصادر طبية إن 5 أشخاص قتلوا.").claimant_type == "organization"
    assert find_attribution("ذكرت صحيفة الشرق الأوسط أن الاجتماع تأجل.").claimant_type == "media"
    assert find_attribution("كشف تقرير أممي أن الجوع يتفاقم.").claimant_type == "report"


def test_phrases_after_the_statement() -> None:
    att = find_attribution("تقدمت القوات خمسة كيلومترات، بحسب وكالة رويترز.")
    assert att.verb == "بحسب" and att.claimant == "وكالة رويترز" and att.claimant_type == "media"
    att = find_attribution("ارتفع عدد الضحايا إلى 40، وفقا لوزارة الصحة.")
    assert att.claimant == "وزارة الصحة"


def test_nested_attribution_takes_the_original_speaker() -> None:
    att = find_attribution("ونقلت وكالة فرانس برس عن مسؤول أمني قوله إن 12 شخصا قتلوا.")
    assert att.claimant == "مسؤول أمني" and att.claimant_type == "person"


def test_quote_then_speaker() -> None:
    att = find_attribution('"الوضع خطير جدا"، قال الوزير.')
    assert att.claimant == "الوزير"


def test_pronoun_resolution_uses_gender() -> None:
    ctx = AttributionContext()
    ctx.resolve(find_attribution("وأعلنت وزارة الداخلية أن الطريق أغلق."))
    ctx.resolve(find_attribution("وقال المتحدث باسم الجيش إن القوات انسحبت."))
    fem = ctx.resolve(find_attribution("وأضافت في بيان أن التحقيق مستمر."))
    masc = ctx.resolve(find_attribution('وتابع: "لن نتراجع".'))
    assert fem.verb == "أضافت"
    assert fem.claimant == "وزارة الداخلية"
    assert masc.claimant == "المتحدث باسم الجيش"


def test_no_attribution() -> None:
    att = find_attribution("وتأكد مقتل أكثر من 1300 شخص منذ اندلاع النزاع.")
    assert att.verb is None and att.claimant is None
    # "according to the treaty" inside a statement is not a source
    assert find_attribution("ستقدم روسيا المساعدة وفقا للمعاهدة.").claimant is None


def test_long_role_keeps_the_rank_and_name() -> None:
    att = find_attribution(
        "وأوضح المتحدث الإعلامي بالإدارة العامة للدفاع المدني بمحافظة الطائف العقيد ناصر بن "
        "سلطان الشريف، أن المركز ضمن أربعة مشاريع."
    )
    assert att.claimant == "العقيد ناصر بن سلطان الشريف"
    assert att.claimant_type == "person"


def test_object_pronoun_between_verb_and_subject() -> None:
    att = find_attribution('يقول عنه الدكتور السعيد الورقي: "حزنه حزن رومانسي".')
    assert att.verb == "يقول" and att.claimant == "الدكتور السعيد الورقي"
    # with no subject after the pronoun, the speaker is the earlier source
    assert find_attribution("وقال لها إن الاجتماع سيعقد غدا.").pronoun


@pytest.mark.parametrize(
    ("sentence", "claimant", "ctype"),
    [
        # a patronymic name opens the subject, however long the title after it
        (
            "أكد سهيل بن محمد المزروعي وزير الطاقة الإماراتي، أن الدول المتطورة تضع سياسات فعالة.",
            "سهيل بن محمد المزروعي وزير الطاقة الإماراتي",
            "person",
        ),
        ('قال بن ملا (34 عاما) الذي أصيب خلال الهجوم: «لقد تخطينا المأساة».', "بن ملا", "person"),
        # pluperfect: the subject between كان and قد
        (
            "وكانت حركة «الشباب» المتطرفة قد أعلنت مسؤوليتها عن المجزرة.",
            "حركة «الشباب» المتطرفة",
            "organization",
        ),
        # a discourse opener is not part of a subject that precedes its verb
        ("لكن الحكومة الكينية أكدت أن الجيش سيستمر في القتال.", "الحكومة الكينية", "organization"),
        ("ولكن في المقابل تؤكد الحكومة التركية أنها ملتزمة.", "الحكومة التركية", "organization"),
        # time words and adverbs after the subject are not part of it
        ("وأكد البيت الأبيض أمس أن الرئيس عبر عن امتنانه.", "البيت الأبيض", "organization"),
        ("وقال أوباما أيضا خلال المكالمة إنه يتطلع للزيارة.", "أوباما", "person"),
        ("وأعلنت الحكومة الشهر الماضي عن خطة لإزالة العقبات.", "الحكومة", "organization"),
        # "to the newspaper" after the speaker
        (
            'وكشف المدير العام للهيئة المهندس أحمد الجغيمان لـ"الوطن" أول من أمس أن المشاريع ثلاثة.',
            "المدير العام للهيئة المهندس أحمد الجغيمان",
            "person",
        ),
        # a quoted proper name after a generic noun; an organization subject with "عن"
        (
            "وأعلنت صحيفة «حريات نيوز» التركية عن خطط جديدة لتعزيز المراقبة.",
            "صحيفة «حريات نيوز» التركية",
            "media",
        ),
        ("كشفت شركة سامسونج عن حاسوب لوحي جديد.", "شركة سامسونج", "organization"),
        ("وفقا للبوابة العربية للأخبار التقنية.", "البوابة العربية للأخبار التقنية", "media"),
    ],
)
def test_claimants_in_common_news_constructions(sentence: str, claimant: str, ctype: str) -> None:
    att = find_attribution(sentence)
    assert (att.claimant, att.claimant_type) == (claimant, ctype)


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("وقال ترابير، خلال الحفل، إن العقد يشكل علامة فارقة.", "ترابير"),
        ('ونقلت الإذاعة الإسرائيلية عن يعالون القول في مستهل اللقاء إنه "لا خلاف".', "يعالون"),
        ("وبحسب الصحافة الاسرائيلية فان الدولة العبرية تسعى لتعهد.", "الصحافة الاسرائيلية"),
        (
            "وأوضح المتحدث الرسمي للهلال الأحمر في تبوك خالد بن مرضي العنزي أن العمليات تلقت 2618 بلاغا.",
            "المتحدث الرسمي للهلال الأحمر في تبوك خالد بن مرضي العنزي",
        ),
    ],
)
def test_claimant_boundaries(sentence: str, claimant: str) -> None:
    assert find_attribution(sentence).claimant == claimant


def test_a_heading_glued_before_a_conjoined_verb_is_no_subject() -> None:
    ctx = AttributionContext()
    ctx.resolve(find_attribution("وقال وزير الدفاع الأمريكي آشتون كارتر إن الخيار العسكري قائم."))
    att = ctx.resolve(find_attribution('الخيار العسكري وأضاف إن هذا الخيار "نبقي عليه".'))
    assert att.claimant == "وزير الدفاع الأمريكي آشتون كارتر"


def test_marks_do_not_hide_the_statement_marker_and_bayna_needs_that() -> None:
    att = find_attribution("بدوره، أوضح مدير المهرجان إبراهيم الجار الله أنّ المهرجان يضم خمس صالات.")
    assert att.claimant == "مدير المهرجان إبراهيم الجار الله"
    # "وبين" is also the preposition "among"
    assert find_attribution("وبين الأفلام القصيرة فاز الفيلم الروسي «كوزموز» بالجائزة.").verb is None
