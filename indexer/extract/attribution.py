"""Who said it: attribution verbs and phrases, the claimant, its type, pronoun subjects.

- verb first (``قال/كشف/أكد X ... أن``), with apposition (``وزير الخارجية الروسي، سيرغي لافروف،``);
- phrases (``بحسب X``, ``وفقا لـ X``, ``نقلا عن X``, ``حسب X``, ``وفقا لما أعلنته X``);
- nested ``نقل X عن Y``: Y when it names a source, X when Y is only "its sources";
- pronoun subjects (``وقالت في بيان:``, ``وأفادت بأن``): resolved by ``AttributionContext`` to the
  nearest earlier claimant whose gender agrees with the verb (``ت`` suffix = feminine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.models import ClaimantType
from indexer.text.normalize import strip_diacritics

_VERB_STEMS = (
    "قال",
    "أكد",
    "أفاد",
    "كشف",
    "أعلن",
    "أوضح",
    "أشار",
    "لفت",
    "صرح",
    "أضاف",
    "تابع",
    "شدد",
    "ذكر",
    "نقل",
    "أردف",
    "اعتبر",
    "رأى",
    "نفى",
    "حذر",
    "أبلغ",
    "زعم",
    "ادعى",
    "أعرب",
    "أقر",
    "اعترف",
    "أورد",
    "روى",
    "توقع",
    "قدر",
    "أفصح",
    "بين",
    "نشر",
    "أوردت",
    "أكدت",
    "أضافت",
)
_FEM_IRREGULAR = {"رأت": "رأى", "نفت": "نفى", "ادعت": "ادعى", "روت": "روى"}
VERBS: dict[str, str] = {}  # surface -> gender ("m"/"f")
for _v in _VERB_STEMS:
    VERBS[_v] = "m"
    VERBS[_v + "ت"] = "f"
    if _v.startswith("أ"):
        VERBS["ا" + _v[1:]] = "m"
        VERBS["ا" + _v[1:] + "ت"] = "f"
for _f in _FEM_IRREGULAR:
    VERBS[_f] = "f"
VERBS.pop("أوردتت", None)
VERBS.pop("أكدتت", None)
VERBS.pop("أضافتت", None)
VERBS["أوردت"] = "f"
VERBS["أكدت"] = "f"
VERBS["أضافت"] = "f"
# present tense: "يقول X إن", "تقول"
for _p, _g in (
    ("يقول", "m"),
    ("تقول", "f"),
    ("يؤكد", "m"),
    ("تؤكد", "f"),
    ("يرى", "m"),
    ("ترى", "f"),
    ("يشير", "m"),
    ("تشير", "f"),
    ("يضيف", "m"),
    ("تضيف", "f"),
    ("يوضح", "m"),
    ("توضح", "f"),
):
    VERBS[_p] = _g
# hal forms that continue the same speaker ("مؤكدا أن") are not new attributions
_RISKY = {
    "بين",
    "نشر",
    "نشرت",
    "قدر",
    "قدرت",
    "تابع",
    "تابعت",
    "رأى",
    "رأت",
    "ترى",
    "يرى",
    "نقل",
    "نقلت",
    "ذكر",
    "توقع",
    "توقعت",
}
_VERB_RE = re.compile(
    r"(?:^|(?<=[\s،,:(]))([وف]?)("
    + "|".join(sorted(VERBS, key=len, reverse=True))
    + r")(?=[\s:،,\"«]|$)"
)
_PHRASE_RE = re.compile(
    r"(?:^|(?<=[\s،,(]))(?:و)?(بحسب|حسب|وفقا ل|وفقاً ل|وفق|طبقا ل|طبقاً ل|نقلا عن|نقلاً عن|استنادا إلى|استناداً إلى|على حد قول|على حد تعبير|كما أفاد|كما أفادت|كما ذكرت|كما ذكر|كما أعلنت|كما أعلن)"  # noqa: E501
    r"\s*(?:ما|لما)?\s*(?:(?:أعلن|أعلنت|أعلنته|ذكر|ذكرت|ذكره|ذكرته|أفاد|أفادت|أفادت به|أفاد به|نشرت|نشرته|أوردت|أوردته|قال|قالت|قاله|قالته|أكد|أكدت|أكده|أكدته|أوضح|أوضحت|أوضحته|كشف|كشفت|كشفته)\s+)?"  # noqa: E501
)
_STOP = re.compile(
    r"\s(?:أن|إن|ان|بأن|بان|إنه|إنها|أنه|أنها|انه|انها|بأنه|بأنها|إلى|الى|في|عن|على|خلال|لـ|ل|اليوم|أمس|امس|"
    r"الثلاثاء|الاثنين|الإثنين|الأربعاء|الخميس|الجمعة|السبت|الأحد|صباح|مساء|اليوم|الليلة|يوم|مؤخرا|"
    r"مؤكدا|مؤكدة|مشيرا|مشيرة|مضيفا|مضيفة|الذي|التي|والذي|والتي|قوله|قولها|القول|فإن|فان|بيانا|بيان|تصريحا|تصريحات|"
    r"رسميا|رسمياً|اليوم|أيضا|أيضاً|كذلك|لاحقا|مجددا|مجدداً|أول من أمس|أول أمس|الشهر الماضي|"
    r"الأسبوع الماضي)(?=\s|$|[،,:.؛;)\"«“])|[،,:\"«“(]|$"
)
_PRONOUN_NEXT = re.compile(
    r"^\s*(?:[:\"«]|(?:إن|أن|ان|بأن|بان|إنه|إنها|أنه|أنها|بأنه|بأنها|إلى|الى|في|خلال|عبر|ل|لـ|على|قائلا|قائلة|"
    r"أيضا|كذلك|لاحقا|أمس|اليوم|أن)(?=\s|$|[:،,]))"
)
_SUBJECT_START = re.compile(
    r"^(?:ال|وزير|وزيرة|رئيس|رئيسة|مسؤول|مسؤولون|مسؤولة|مصدر|مصادر|متحدث|متحدثة|ناطق|الناطق|تقرير|تقارير|"
    r"وكالة|صحيفة|موقع|قناة|مجلس|وزارة|منظمة|هيئة|مكتب|مدير|مديرة|أمين|قائد|زعيم|نائب|سفير|مراسل|شهود|"
    r"مراقبون|خبراء|خبير|دراسة|بيان|مستشار|محافظ|حاكم|الملك|الأمير|ولي|عضو|نشطاء|ناشطون|سكان|أطباء|"
    r"شركة|مؤسسة|حركة|جماعة|جمعية|حزب|اتحاد|جامعة|لجنة|بنك|صندوق|محكمة|سفارة|حكومة|جيش|قوات|إدارة|"
    r"مديرية|مركز|مرصد|تحالف|سلطات|شرطة|بلدية|أمانة|نقابة|برلمان)"
)
_TIME_WORD = re.compile(
    r"^(?:اليوم|أمس|امس|الثلاثاء|الاثنين|الإثنين|الأربعاء|الخميس|الجمعة|السبت|الأحد|مؤخرا|رسميا|رسمياً)$"
)
_NOT_SOURCE = {
    "المعلومات",
    "المعلومات المتوفرة",
    "التقديرات",
    "المعاهدة",
    "الاتفاق",
    "القانون",
    "الدستور",
    "ذلك",
    "هذا",
    "ما",
    "الخطة",
}
_OWN_SOURCES = re.compile(
    r"^(?:مصادره|مصادرها|مصدره|مصدرها|مراسله|مراسلها|مراسليه|ناشطيه|شبكته|مصادر\s+خاصة)"
)

_MEDIA = re.compile(
    r"(?:وكالة|صحيفة|صحف|الصحافة|صحافة|وسائل الإعلام|وسائل إعلام|الإعلام|قناة|موقع|بوابة|البوابة|تلفزيون|التلفزيون|إذاعة|الإذاعة|شبكة|مجلة|رويترز|فرانس برس|أسوشيتد|الأناضول|سبوتنيك|الجزيرة|العربية|بي بي سي|واس|سانا|كوميرسانت|نيويورك تايمز|واشنطن بوست|الغارديان|تاس|إرنا|الأهرام|الشرق الأوسط|سكاي نيوز|CNN|BBC)"  # noqa: E501
)
_REPORT = re.compile(
    r"^(?:ال)?(?:تقرير|تقارير|دراسة|دراسات|بيان|بيانات|إحصائية|إحصائيات|إحصاءات|استطلاع|وثيقة|وثائق|أرقام|معطيات|بحث)"
)
_ORG = re.compile(
    r"(?:وزارة|الوزارة|الخارجية|الداخلية|الدفاع|الصحة|حكومة|الحكومة|مرصد|المرصد|منظمة|المنظمة|هيئة|الهيئة|مجلس|المجلس|"
    r"مكتب|جيش|الجيش|الشرطة|شرطة|الأمم المتحدة|الأمن|حزب|حركة|جبهة|جماعة|شركة|الشركة|بنك|البنك|مصرف|صندوق|"
    r"جامعة|الجامعة|لجنة|اللجنة|مؤسسة|المؤسسة|اتحاد|الاتحاد|البرلمان|الكرملين|البيت الأبيض|البنتاغون|الرئاسة|"
    r"مصادر|مصدر|سلطات|السلطات|الدولة|قوات|القوات|إدارة|الإدارة|دائرة|مديرية|المديرية|محكمة|المحكمة|نيابة|النيابة|"
    r"الأمانة|السفارة|سفارة|القيادة|التحالف|مفوضية|المفوضية|الناتو|منظمة الصحة)"
)
_FEM_SOURCE = re.compile(
    r"^(?:وزارة|الوزارة|الخارجية|الداخلية|الحكومة|حكومة|منظمة|المنظمة|هيئة|الهيئة|وكالة|صحيفة|قناة|الشرطة|شرطة|"
    r"مصادر|تقارير|السلطات|سلطات|قوات|القوات|الإدارة|إدارة|مديرية|المديرية|المحكمة|محكمة|النيابة|الرئاسة|"
    r"الأمانة|السفارة|القيادة|مفوضية|المفوضية|وزيرة|رئيسة|متحدثة|الناطقة|دراسة|لجنة|اللجنة|جامعة|الجامعة|"
    r"شركة|الشركة|مؤسسة|المؤسسة|جماعة|حركة|جبهة|هيئة|دائرة)"
)


_PERSON_TITLE = re.compile(
    r"^(?:ال)?(?:وزير|وزيرة|رئيس|رئيسة|مسؤول|مسؤولة|متحدث|متحدثة|ناطق|ناطقة|مدير|مديرة|أمين|قائد|نائب|سفير|"
    r"مستشار|محافظ|حاكم|ملك|أمير|شيخ|عضو|مراسل|مندوب|زعيم|مبعوث|عقيد|لواء|العميد|الدكتور|د\.)"
)


@dataclass
class Attribution:
    verb: str | None = None
    claimant: str | None = None
    claimant_type: ClaimantType = "unattributed"
    gender: str | None = None  # "m" / "f" of the claimant, when known
    pronoun: bool = False  # subject is a pronoun: resolve against earlier sources
    also_fem: bool = False  # "نقل المرصد عن مصادره": later feminine pronouns may refer to it


def claimant_type(name: str) -> ClaimantType:
    bare = name
    if _REPORT.match(bare):
        return "report"
    if _MEDIA.match(bare) and not _PERSON_TITLE.match(bare):
        return "media"
    if _ORG.match(bare) and not _PERSON_TITLE.match(bare):
        return "organization"
    return "person"


def _gender_of(name: str) -> str:
    bare = name
    if _FEM_SOURCE.match(bare) or bare.split()[0].endswith(("ة", "ات")):
        return "f"
    return "m"


# ranks and honorifics written just before a personal name
_RANK_WORDS = "العقيد اللواء العميد الفريق المقدم الرائد النقيب الدكتور د. المهندس الشيخ الأمير"
_RANKS = frozenset((_RANK_WORDS + " الأميرة السفير الأستاذ المستشار").split())
# an object pronoun between the verb and its subject: "يقول عنه الدكتور X:", "قال لها X"
_OBJECT_PRONOUN = re.compile(r"^\s*(?:عنه|عنها|عنهم|له|لها|لهم|لنا|لي)\s+(?=\S)")


# a generic source noun that a quoted proper name follows
_GENERIC_SOURCE = re.compile(
    r"^(?:ال)?(?:صحيفة|وكالة|قناة|موقع|مجلة|شبكة|إذاعة|حركة|جماعة|تنظيم|منظمة|شركة|مؤسسة|جمعية|حزب|"
    r"جبهة|مركز|مرصد|هيئة|حملة|ائتلاف|تحالف)$"
)
_AR = "[\u0621-\u064a]+"
_PLACE_THEN_NAME = re.compile(
    rf"^(في(?:\s+{_AR}){{1,2}}\s+{_AR}\s+بنت?\s+{_AR}(?:\s+{_AR})?)(?=\s*[،,]|\s+(?:أن|إن|بأن)\s)"
)
_QUOTED_NAME = re.compile(r"^[«\"“]([^»\"”]{2,40})[»\"”](?:\s+(ال[\u0621-\u064a]+))?")


# an apposition never starts with these: "وقال ترابير، خلال الحفل، إن"
_NOT_APPOSITION = (
    "أن", "إن", "في", "من", "الذي", "التي", "خلال", "عبر", "أمام", "بعد", "قبل", "عقب", "أثناء",
    "لدى", "على", "عند", "مساء", "صباح",
)  # fmt: skip


def _noun_phrase(rest: str) -> str | None:
    """The claimant NP at the start of ``rest`` (after the verb), with apposition folded in."""
    rest = rest.lstrip(" ،,")
    stop = _STOP.search(" " + rest)
    end = max(stop.start() - 1, 0) if stop else len(rest)
    head = rest[:end].strip()
    if not head:
        return None
    after = rest[end:].lstrip()
    place_name = _PLACE_THEN_NAME.match(after)
    if place_name:
        # "المتحدث الرسمي للهلال الأحمر في تبوك خالد بن مرضي العنزي أن": keep the name
        head = f"{head} {place_name.group(1)}"
        after = after[place_name.end() :].lstrip()
    quoted = _QUOTED_NAME.match(after)
    if quoted and _GENERIC_SOURCE.match(head):
        # "صحيفة «حريات نيوز» التركية", "حركة «الشباب» المتطرفة"
        head = f"{head} «{quoted.group(1).strip()}»" + (
            f" {quoted.group(2)}" if quoted.group(2) else ""
        )
        after = after[quoted.end() :].lstrip()
    # apposition: "وزير الخارجية الروسي، سيرغي لافروف، الثلاثاء، أن"
    appos = re.match(r"^[،,]\s*([^،,:\"«]{3,45}?)\s*(?=[،,]|\s(?:أن|إن|بأن)\s)", after)
    if appos:
        name = appos.group(1).strip()
        words = name.split()
        if (
            1 <= len(words) <= 4
            and not _TIME_WORD.match(name)
            and not any(_TIME_WORD.match(w) for w in words)
            and not name.startswith(_NOT_APPOSITION)
        ):
            head = f"{head} {name}"
    words = head.split()
    if len(words) > 9:
        # a long role before the name ("المتحدث الإعلامي بالإدارة العامة ... العقيد ناصر بن
        # سلطان الشريف"): keep the rank and the name rather than the first words of the role
        ranks = [i for i, w in enumerate(words) if i and w in _RANKS and len(words) - i <= 7]
        if ranks:
            head = " ".join(words[ranks[-1] :])
        elif len(words) > (13 if "بن" in words else 9):  # a patronymic name may end a long NP
            head = " ".join(words[:9])
    return head or None


def _clean_claimant(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip(' ،,:"«».()')
    if not name or name in _NOT_SOURCE or len(name) < 2:
        return None
    return name


# '"...", قال X': a closing quote, then a (non-risky) attribution verb and the speaker
_TAIL = re.compile(
    r"[\"»”]\s*[،,]?\s*(?:و)?("
    + "|".join(v for v in VERBS if v not in _RISKY)
    + r")\s+([^،,.:]{2,60})"
)


# "وكانت X قد أعلنت": the pluperfect construction puts the subject before the verb
_KANA_QAD = re.compile(r"[وف]?(?:كان|كانت)\s+(.{2,80}?)\s+قد")
# discourse openers before a subject that precedes its verb ("لكن الحكومة الكينية أكدت أن")
_OPENER = re.compile(r"^(?:و?لكن|غير أن|إلا أن|بيد أن|كما أن|في حين أن|و)\s+")
# a patronymic name opens the subject: "أكد سهيل بن محمد المزروعي ...", "قال بن ملا"
_NAME_CHAIN = re.compile(r"^\s*(?:[\u0621-\u064a]+\s+)?بنت?\s")


# what _VERB_RE can match, as whole words (with their و/ف), and the words _PHRASE_RE starts with
_VERB_FORMS = frozenset(p + v for v in VERBS for p in ("", "و", "ف"))
_AR_WORD = re.compile("[\u0621-\u064a]+")
_PHRASE_CUES = ("حسب", "وفق", "طبق", "نقلا", "نقلاً", "استناد", "على حد", "كما ")
_THAT_SOON = re.compile(r"(?:^|\s)(?:أن|إن|بأن|أنه|أنها|إنه|إنها)\s")


def find_attribution(sentence: str) -> Attribution:
    """The main attribution of one sentence (no article context; see ``AttributionContext``)."""
    sentence = strip_diacritics(sentence)  # "أنّ" is "أن"; claimants come out without marks
    quote_spans = [
        (m.start(), m.end()) for m in re.finditer(r"«[^»]*»|\"[^\"]*\"|“[^”]*”", sentence)
    ]

    def in_quote(pos: int) -> bool:
        return any(a < pos < b for a, b in quote_spans)

    # screen with set and substring tests before the regexes (most sentences have no verb)
    has_verb = not _VERB_FORMS.isdisjoint(_AR_WORD.findall(sentence))
    # 1. verb-first attribution near the start of the sentence or of a clause
    for match in _VERB_RE.finditer(sentence) if has_verb else ():
        pos = match.start(2)
        if in_quote(pos):
            continue
        verb = match.group(2)
        prefix = sentence[: match.start()].strip()
        # the verb must open the sentence, or follow an adverbial opener ("وفي سياق متصل،")
        if (
            prefix
            and not re.search(r"[،,:]$", prefix)
            and not re.fullmatch(
                r"(?:و?لكن\s+|و)?(?:كما|ثم|فيما|بينما|وقد|قد|و?لقد|بدوره|بدورها|من جهته|من جهتها|"
                r"من ناحيته|من ناحيتها|من جانبه|من جانبها|في المقابل|بالمقابل|في هذا الصدد|"
                r"في الوقت نفسه|في السياق ذاته|في سياق متصل)",
                prefix,
            )
        ):
            kana = _KANA_QAD.fullmatch(prefix)
            if kana and verb not in _RISKY:
                # "وكانت حركة «الشباب» قد أعلنت مسؤوليتها": the subject sits between كان and قد
                name = _clean_claimant(_OPENER.sub("", kana.group(1)))
                if name:
                    return Attribution(verb, name, claimant_type(name), VERBS[verb])
                continue
            if match.group(1):
                # "وأضاف" opens a clause: what precedes is no subject; a few words before it are a
                # heading glued to the sentence ("الخيار العسكري وأضاف إن ...")
                if len(prefix.split()) > 4:
                    continue
            else:
                if len(prefix.split()) > 6:
                    continue
                # "المتحدث باسم الوزارة قال إن": subject before the verb
                if verb in _RISKY or not re.match(r"^\s*(?:إن|أن|بأن|:)", sentence[match.end() :]):
                    continue
                name = _clean_claimant(_OPENER.sub("", prefix))
                if name:
                    return Attribution(verb, name, claimant_type(name), VERBS[verb])
                continue
        rest = _OBJECT_PRONOUN.sub("", sentence[match.end() :], count=1)
        if verb == "بين" and not _THAT_SOON.search(rest[:120]):
            continue  # "وبين الأفلام القصيرة فاز ...": the preposition "among", not "stated"
        gender = VERBS[verb]
        if _PRONOUN_NEXT.match(rest) or not rest.strip():
            if verb in _RISKY and not re.match(r"^\s*(?:[:\"«]|إن|أن|بأن)", rest):
                continue
            return Attribution(verb, None, "unattributed", gender, pronoun=True)
        first = rest.split()[0].strip("،,") if rest.split() else ""
        if (
            first.startswith("ال")
            and re.search(r"(?:اتها|اته|اتهم|ها|هم)$", first)
            and verb not in _RISKY
        ):
            return Attribution(
                verb, None, "unattributed", gender, pronoun=True
            )  # "وأكدت التزاماتها"
        if (
            not _SUBJECT_START.match(first)
            and not _known_name(first)
            and not _NAME_CHAIN.match(rest)
        ):
            if verb in _RISKY:
                continue
            # "وأكدت التزاماتها": the word after the verb is an object; the subject is a pronoun
            # an unknown word opens the subject NP only when the statement marker follows soon
            # ("وقال روبرت باور رئيس اللجنة «...»"); otherwise the subject is a pronoun
            marker = re.match(r"^\s*(?:[^\s:«\"]+\s+){1,7}?(?:أن|إن|بأن|إنه|إنها|أنه|أنها)\s", rest)
            marker = marker or re.match(r"^\s*(?:[^\s:«\"،,]+\s*){1,7}?[:«\"]", rest)
            if re.search(r"(?:ها|ه|هم|هما|نا)$", first) or marker is None:
                return Attribution(verb, None, "unattributed", gender, pronoun=True)
        name = _noun_phrase(rest)
        # nested: "نقل X عن Y أن" -> Y, unless Y is only "its sources"
        nested = re.match(
            r"^\s*(.{2,80}?)\s+عن\s+(.{2,80}?)(?=\s(?:أن|إن|بأن|قوله|قولها|القول)\s|[،,:])", rest
        )
        if verb in ("نقل", "نقلت") and nested:
            outer, inner = nested.group(1).strip(), nested.group(2).strip()
            if _OWN_SOURCES.match(inner):
                return Attribution(verb, outer, claimant_type(outer), gender, also_fem=True)
            inner_name = _clean_claimant(inner)
            if inner_name:
                return Attribution(
                    verb, inner_name, claimant_type(inner_name), _gender_of(inner_name)
                )
        name = _clean_claimant(name)
        if name:
            if verb in _RISKY and not re.search(r"(?:أن|إن|بأن|:|\"|«)", rest):
                continue
            return Attribution(verb, name, claimant_type(name), gender)
    # 2. phrases anywhere outside quotes: "بحسب X", "وفقا لما أعلنته X"
    has_phrase = any(cue in sentence for cue in _PHRASE_CUES)
    for match in _PHRASE_RE.finditer(sentence) if has_phrase else ():
        if in_quote(match.start()):
            continue
        rest = sentence[match.end() :]
        if match.group(1).endswith("ل") and rest.startswith("ل"):
            rest = "ا" + rest  # "وفقا للمعاهدة" = وفقا لـ + المعاهدة
        name = _clean_claimant(_noun_phrase(rest))
        if name and not name.startswith(("ما ", "لما")) and _sourcey(name):
            phrase = match.group(1)
            return Attribution(phrase, name, claimant_type(name), _gender_of(name))
    # 3. statement first, speaker after: '"...", قال X' / '..."، قالت X.'
    has_close = '"' in sentence or "»" in sentence or "”" in sentence
    tail = _TAIL.search(sentence) if has_verb and has_close else None
    if tail:
        name = _clean_claimant(_noun_phrase(tail.group(2)))
        if name:
            return Attribution(tail.group(1), name, claimant_type(name), VERBS[tail.group(1)])
    return Attribution()


_KNOWN: set[str] = set()


def register_known_names(names: set[str]) -> None:
    """Gazetteer names (people, organizations) that may open a subject NP without ال or a title."""
    _KNOWN.update(names)


def _known_name(word: str) -> bool:
    return word in _KNOWN


_GROUP_SOURCE = re.compile(r"^(?:ال)?(?:مصادر|مصدر|شهود|خبراء|مراقب|ناشط|نشطاء|مسؤولين|سكان)")


def _sourcey(name: str) -> bool:
    """Does this NP name a possible source (not "حسب تركيز السكر", "وفقا للمعاهدة")?"""
    first = name.split()[0]
    return bool(
        _REPORT.match(name)
        or _MEDIA.search(name)
        or _ORG.search(name)
        or _PERSON_TITLE.match(name)
        or _known_name(first)
        or _GROUP_SOURCE.match(name)
    )


@dataclass
class AttributionContext:
    """Earlier claimants of one article, to resolve pronoun subjects (nearest compatible gender)."""

    sources: list[tuple[str, ClaimantType, set[str]]] = field(default_factory=list)

    def resolve(self, att: Attribution) -> Attribution:
        if att.pronoun:
            want = att.gender or "m"
            for name, ctype, genders in reversed(self.sources):
                if want in genders:
                    return Attribution(att.verb, name, ctype, want)
            return att
        claimant = att.claimant
        if claimant:
            # a title alone ("وزير الخارجية الروسي") after the full name: keep the fuller name
            for name, ctype, _ in reversed(self.sources):
                if name != claimant and (
                    name.startswith(claimant + " ") or name.endswith(" " + claimant)
                ):
                    att = Attribution(att.verb, name, ctype, att.gender, also_fem=att.also_fem)
                    claimant = name
                    break
            genders = {att.gender or _gender_of(claimant)}
            if att.also_fem:
                genders.add("f")
            self.sources.append((claimant, att.claimant_type, genders))
        return att
