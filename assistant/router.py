"""Recognise calculator questions in plain Chinese, pull out their inputs, ask for what is missing.

A question goes to a calculator only when it carries what the calculator needs to be
useful (an amount for a payout, a document for validity…); otherwise it is left to
retrieval. When one input is missing, the router returns the calculator's own question
(kind ``clarify``); on the next turn it reads the answer against that question and
the original question together.
"""

from __future__ import annotations

import re

import cn2an
from dataclasses import dataclass, field, replace
from datetime import date

from assistant import quantities, slots
from assistant.focus import focus
from assistant.places import Gazetteer
from assistant.calculators import deadlines, payout, registry, staffing, validity
from assistant.calculators.result import Calculation, CalculationError, Clarification
from assistant.types import Turn

_INSURANCE = re.compile(r"普惠医联保|医联保|惠民保|普惠保|补充医疗保险")
_PAYOUT_ASK = re.compile(r"赔|报销|报多少|能报|理赔|给付|能拿回|能拿多少")
_OUT_OF_AREA = re.compile(r"统筹区外|外地|省外|市外|异地|外省|外市|转诊|转院到外")
_IN_AREA = re.compile(r"统筹区内|本地|本市|市内|当地")
_HOME_CITY = "三明市"  # the 统筹区 of 三明普惠医联保
_HOW_MUCH = re.compile(r"多少|几成|几万|几千|怎么算|算一下|计算|能拿回|能拿多少")
_MEDICAL = re.compile(r"看病|住院|医药费|医疗费|药费|门诊|手术|开刀|治病|就医")
_AMOUNT_QUESTION = "请问医保（含大病保险）报销后，您自己负担的合理医疗费用是多少元？例如：自付3.86万元。"
_AMOUNT_WHICH = "您说的{written}是看病的总花费，还是医保（含大病保险）报销后自己负担的部分？普惠医联保按报销后自付的金额计算，请告诉我这个金额，例如：自付2万元。"
_AMOUNT_AMBIGUOUS = "您提到了几笔金额，我不确定哪一笔是医保报销后自己负担的部分。请告诉我报销后自付的金额，例如：自付2万元。"
_OUTPATIENT = re.compile(r"门诊特殊病种|门特|特殊病种|门诊特病|慢特病")
_TUMOUR_DRUG = re.compile(r"肿瘤药|抗癌药|靶向药|化疗药|恶性肿瘤药品|特药")
_RARE_DRUG = re.compile(r"罕见病")
_INPATIENT = re.compile(r"住院|住了|开刀|手术")
_RELIEF = re.compile(r"救助对象|低保|特困|五老|孤儿|困难群体")
_NO = re.compile(r"^(没有|没|无|否|不是|都没有|没得过|健康|身体健康|没病)")
_YES = re.compile(r"^(有|是|对|得过|有的)")
_DRUG_CLASS = re.compile(r"([ABCabc])\s*类")

_STAFF_PLACES = ("三明市", "三元区")  # the staffing plan is for the 市（三元区）政务服务中心
# A question about these is about the claim, not about how much it pays.
_NOT_AN_AMOUNT = frozenset({"how_long", "when", "phone", "where", "url", "who"})
_STAFF_CONTEXT = re.compile(r"窗口|工作人员|人员|导办|运营管理|外包|一窗|政务服务中心|办事大厅|专窗")
_HEADCOUNT_ASK = re.compile(r"(多少|几)(个|名|位)?(工作)?(人员|人)|人数|配(备)?(多少|几)|(一共|总共|合计)(多少|几)|人(里|中).{0,8}(多少|几)")
_CITY = re.compile(r"市级|市本级|市里|市直")
_WHOLE = re.compile(r"一共|总共|合计|全部|整合后")
_EXCEPT = re.compile(r"除(了)?(.{1,12}?)(以外|之外|外)")
_SUM_CHECK = re.compile(r"加起来.{0,6}(对|一致)|核对.{0,6}(人数|合计)|(人数|合计).{0,6}(对不对|一致吗|对得上)")
_PHASE = re.compile(r"第([一二12])(?:阶段|批)")
# (by, pattern, key): the longest, most specific names first ("社医保" before "医保").
_STAFF_KEYS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (by, re.compile(pattern), key)
    for by, pattern, key in (
        ("window", r"社医保", "social_medical_insurance"),
        ("window", r"出入境", "exit_entry"),
        ("window", r"治安", "public_order"),
        ("window", r"驾管|驾驶证", "driver_management"),
        ("window", r"交通违法|违章", "traffic_violations"),
        ("window", r"公安", "police"),
        ("window", r"商事登记|企业开办", "business_registration"),
        ("window", r"工程建设", "construction_approval"),
        ("window", r"税务", "tax"),
        ("window", r"社保", "social_insurance"),
        ("window", r"医保", "medical_insurance"),
        ("window", r"不动产", "real_estate"),
        ("window", r"公积金", "housing_fund"),
        ("window", r"市政公用|水电气|供水|供电|燃气", "public_utilities"),
        ("window", r"婚姻登记|结婚登记", "marriage_registration"),
        ("window", r"无差别", "general"),
        ("window", r"办不成事|找茬", "complaints"),
        ("window", r"一件事一次办", "one_thing_once"),
        ("window", r"跨省通办|省内通办", "cross_region"),
        ("window", r"帮办代办|惠企政策", "assisted_and_policy"),
        ("window", r"公证|法律援助", "notary_legal_aid"),
        ("group", r"咨询服务、?导办、?运营|导办.{0,4}(运营|现场管理)|(运营|现场管理).{0,4}导办|不坐窗口", "support"),
        ("role", r"现场运营|运营管理", "on_site_management"),
        ("role", r"咨询导办|导办", "front_desk_guides"),
        ("role", r"智能体验|自助服务|自助区", "self_service_guide"),
        ("role", r"专项领域|分领域", "special_field"),
        ("role", r"特殊用途|专窗", "special_purpose"),
        ("group", r"窗口(工作)?人员(一共|总共|合计)|窗口.{0,4}(一共|总共|合计)", "windows"),
    )
)
_ARRIVALS = re.compile(r"(?:每小时|一小时|每个小时)[^\d]{0,6}(\d+(?:\.\d+)?)\s*(?:个|位|名)?人|(\d+(?:\.\d+)?)\s*人\s*/\s*小?时")
_SERVICE = re.compile(r"(?:平均|每人|每件|每个人|办一件|办理).{0,8}?(\d+(?:\.\d+)?)\s*分钟")
_WAIT = re.compile(r"(?:等|排队|等候|等待).{0,10}?(\d+(?:\.\d+)?)\s*分钟")


def _staff_posts(text: str) -> list[tuple[str, str]]:
    """Every post a text names, most specific first, without counting one name twice."""
    found: list[tuple[str, str]] = []
    remaining = text
    for by, pattern, key in _STAFF_KEYS:
        match = pattern.search(remaining)
        if match:
            found.append((by, key))
            remaining = remaining[: match.start()] + "　" * (match.end() - match.start()) + remaining[match.end() :]
    # Generic names only count when nothing more specific was named, and a window's
    # parent drops out when the window itself is named ("社医保……社保和医保各几个").
    if any(by in ("window", "role") for by, _ in found):
        found = [f for f in found if f != ("group", "windows")]
    if any(by == "window" for by, _ in found):
        found = [f for f in found if f != ("role", "special_purpose")]
    built = staffing.plan()
    named_windows = {key for by, key in found if by == "window"}
    found = [
        (by, key)
        for by, key in found
        if not (by == "window" and any(key in built.ancestors(other) for other in named_windows if other != key))
    ]
    if ("group", "support") in found:
        found = [f for f in found if f not in (("role", "on_site_management"), ("role", "front_desk_guides"), ("role", "self_service_guide"))]
    return found


def _queue_inputs(text: str) -> tuple[float, float, float] | None:
    arrivals, service, wait = _ARRIVALS.search(text), _SERVICE.search(text), _WAIT.search(text)
    if not (arrivals and service and wait):
        return None
    rate = float(arrivals.group(1) or arrivals.group(2))
    return rate, float(service.group(1)), float(wait.group(1))


_ALREADY_PAID = re.compile(r"(今年|本年度?)?(已经|已)(赔|报|理赔|赔付)(了|过)?[^，。；,]{0,4}?(\d+(?:\.\d+)?\s*万?元?|[零一二三四五六七八九十百千万两]+\s*万?元)")
_DEDUCTIBLE_MET = re.compile(r"免赔(额)?.{0,4}(已经|已)(扣|用|抵扣|扣除)|已经(扣|过)了?免赔")
_NO_HISTORY = re.compile(
    r"(没有|无|没)(任何|什么)?(特定)?(既往症|既往病史|病史|慢性病|基础病)|健康人群|身体健康"
    r"|(不是|不属于|并非|非)(特定)?既往症"
    r"|身体(一直|一向|向来|都|还)?(挺|很|比较|都|还)?(好|健康|不错)|没(生过|得过)?(什么)?(大)?病"
)
# "是特定既往症人群", "我有特定既往症": the group said outright (not "不是"/"没有").
_HAS_HISTORY = re.compile(r"(?<![不没非无])(是|属于|有|患有)(特定)?既往症")
# What the scheme pays at most, from what share, above what threshold: a figure of the
# rule itself, which the clauses state, not a sum to work out.
_PARAMETER_ASK = re.compile(
    r"比例|几成|百分之|最高|最多|封顶|上限|起付|保额|保险金额|门槛|起赔|免赔额?(是|为|有)?多少"
    r"|(超过|超出|满|达到|高于)多少.{0,6}(才|就|开始)|多少(元|钱)?以上.{0,4}(才|就|开始)|多少(元|钱)?(才|就)(开始|能|会)?(赔|报|理赔)"
)
_DRUG_WORDS = re.compile(r"抗癌药|肿瘤药|靶向药|化疗药|特药")
_VALIDITY_ASK = re.compile(r"有效|失效|过期|到期|还能用|还管用|作废|废止|还在执行|还执行|生效|施行|还算数")
_EXPIRING_LIST = re.compile(r"哪些.{0,12}(到期|失效|过期)|(到期|失效|过期)的.{0,6}(有哪些|是哪些)")


@dataclass(frozen=True)
class Routed:
    """A calculator's answer, or the one question it needs answered first."""

    calculator: str
    calculation: Calculation | None = None
    clarification: Clarification | None = None  # the one input still needed, and the question for it
    problem: str | None = None  # why the inputs given cannot be computed (a negative amount)
    inputs: dict = field(default_factory=dict)
    outside: str | None = None  # why the rule does not reach what was asked (another place's centre)
    understood: tuple[tuple[str, str], ...] = ()  # the inputs as read, in words: (医保报销后自付, 38,600 元)
    restated: str = ""  # the question with the user's answers to our questions joined in

    @property
    def clarify(self) -> str | None:
        """What to say instead of a value: the question to ask, or what is wrong with the input."""
        return self.clarification.question if self.clarification is not None else self.problem


class Router:
    """Send calculator questions to the right calculator with the right inputs.

    Usage::

        routed = Router().route("我在三明住院自付了3.86万，普惠医联保能赔多少？", [], date.today())
        routed.clarify  # asks about 特定既往症 first

    ``register`` is the validity of the indexed documents (``validity.Register``); without
    one, validity questions are read against the configured corpus.
    """

    def __init__(self, register: validity.Register | None = None):
        self.register = register

    def route(self, question: str, history: list[Turn], as_of: date) -> Routed | None:
        original, answers = _clarify_chain(question, history)
        try:
            for attempt in (self._payout, self._deadline, self._staffing, self._validity):
                routed = attempt(original, answers, as_of)
                if routed is not None:
                    return routed
        except payout.NeedsInput as needed:
            return Routed("payout", clarification=_asking(Clarification(needed.field, needed.question, needed.choices), answers))
        except CalculationError as error:
            return Routed("error", problem=str(error))
        return None

    # -- payout ---------------------------------------------------------------

    def _payout(self, text: str, answers: dict[str, str], as_of: date) -> Routed | None:
        named = _INSURANCE.search(text)
        medical = _MEDICAL.search(text)
        if not ((named or medical) and _PAYOUT_ASK.search(text)):
            return None
        if focus(text) & _NOT_AN_AMOUNT and "money" not in focus(text):
            # "理赔后多少天到账", "花了八万多……理赔打哪个电话": asks about the claim, not its
            # amount, whatever amounts the story mentions.
            return None
        amounts = slots.money(text)  # replies to our questions are already part of the text
        eligible, step = _eligible_amount(amounts)
        if eligible is None:
            if not amounts and not _HOW_MUCH.search(text):
                return None  # "普通门诊能报销吗" asks whether, not how much: the clauses answer it
            if not amounts and _PARAMETER_ASK.search(text):
                return None  # "按多少比例赔", "最高能赔多少": the rule's own figure, quoted from its clause
            if len(amounts) == 1:  # one amount, called what the bill came to: is it before or after 医保?
                written = text[amounts[0].start : amounts[0].end]
                raise payout.NeedsInput("amount", _AMOUNT_WHICH.format(written=written), (f"报销后自付{written}",))
            raise payout.NeedsInput("amount", _AMOUNT_QUESTION if not amounts else _AMOUNT_AMBIGUOUS)
        liability = _liability(text)
        history_text = _DRUG_WORDS.sub("", text + " " + answers.get("preexisting", ""))
        conditions, denied = _conditions(history_text)
        preexisting = None
        # A condition named and not denied outweighs "身体还不错": "身体还不错，就是有冠心病" has one.
        if conditions:
            preexisting = True
        elif _NO_HISTORY.search(text) or denied:
            preexisting, conditions = False, ()
        elif _HAS_HISTORY.search(text):
            preexisting = True
        elif "preexisting" in answers:
            preexisting = _yes_no(answers["preexisting"])
        drug = _DRUG_CLASS.search(text + answers.get("drug_class", ""))
        rate = quantities.percent(text + " " + answers.get("participation_rate", ""))
        if rate is None and "participation_rate" in answers:
            number = re.search(r"\d+(?:\.\d+)?", answers["participation_rate"])
            rate = float(number.group()) / 100 if number else None
        paid = _ALREADY_PAID.search(text)
        relief = any(not slots.negated(text, m.start()) for m in _RELIEF.finditer(text))
        if eligible < 0:
            raise CalculationError(f"自付费用不能为负数（收到 {eligible:,.2f} 元），请核对后再算。")
        request = dict(
            liability=liability,
            eligible_amount=eligible,
            paid_this_year=quantities.amounts(paid.group(0))[0] if paid and quantities.amounts(paid.group(0)) else 0.0,
            deductible_used=payout.DEDUCTIBLE_MET if _DEDUCTIBLE_MET.search(text) else 0.0,
            preexisting=preexisting,
            relief_recipient=relief,
            drug_class=drug.group(1).upper() if drug else None,
            participation_rate=rate,
            conditions=conditions,
        )
        result = registry.run(registry.get("sanming_payout"), request)
        if isinstance(result, Clarification):
            return Routed("payout", clarification=_asking(result, answers))
        calculation = result
        if step:
            calculation = replace(calculation, steps=(step, *calculation.steps))
        return Routed("payout", calculation=calculation, inputs=request, understood=_payout_understood(request), restated=text)

    # -- deadlines --------------------------------------------------------------

    def _deadline(self, text: str, answers: dict[str, str], as_of: date) -> Routed | None:
        asks_date = _DATE_ASK.search(text)
        between = _BETWEEN.search(text)
        mentioned = quantities.dates(text + " " + answers.get("start_date", ""), as_of)
        if between and len(mentioned) >= 2:
            return Routed("deadline", calculation=_run("working_days_between", start=mentioned[0], end=mentioned[1]))
        limit = _limit_named(text)
        if limit is None:
            generic = _AFTER_N.search(text) or _N_AFTER.search(text)
            if generic and asks_date and mentioned:
                unit = "工作日" if "工作日" in generic.group(0) else "日"
                written = generic.group(2)
                count = float(written) if written[0].isdigit() else float(cn2an.cn2an(written, "smart"))
                count = -count if generic.group("sign") else count
                if not count.is_integer() or count <= 0:
                    raise CalculationError(f"期限的天数应是正整数，问题中写的是“{generic.group(0)}”，请核对后再算。")
                return Routed("deadline", calculation=_run("deadline_after", start=mentioned[0], amount=int(count), unit=unit))
            return None
        if not asks_date and "start_date" not in answers:
            return None  # "节能审查要多久" is a lookup: retrieval quotes the clause
        if not mentioned:
            question = f"“{limit.name}”的期限从哪一天开始算？请给出日期，例如 {as_of.year}年9月30日。"
            return Routed("deadline", clarification=Clarification("start_date", question), inputs={"limit": limit.key})
        return Routed(
            "deadline",
            calculation=_run("deadline", rule=limit.key, start=mentioned[0]),
            inputs={"limit": limit.key},
            understood=(("期限", f"{limit.name}（{limit.amount}{limit.unit}）"), ("起算日", mentioned[0].isoformat())),
            restated=text,
        )

    # -- staffing ---------------------------------------------------------------

    def _staffing(self, text: str, answers: dict[str, str], as_of: date) -> Routed | None:
        queue = _queue_inputs(text)
        if queue is not None:
            return Routed("staffing", calculation=staffing.recommend_windows(*queue), inputs={"queue": queue})
        named = _STAFF_CONTEXT.search(text) or any(pattern.search(text) for by, pattern, _ in _STAFF_KEYS if by == "window")
        if not (named and (_HEADCOUNT_ASK.search(text) or _SUM_CHECK.search(text))):
            return None
        elsewhere = [p.full for p in Gazetteer.load().find(text) if p.level in ("city", "county") and p.full not in _STAFF_PLACES]
        if elsewhere:
            return Routed("staffing", outside=(
                f"明政办规〔2023〕4号规定的是市（三元区）政务服务中心的人员配置，没有规定{'、'.join(elsewhere)}的人数；"
                f"{'、'.join(elsewhere)}的配置请以当地的规定为准，或咨询当地政务服务中心。"
            ))
        if _SUM_CHECK.search(text):
            return Routed("staffing", calculation=staffing.consistency_check())
        city, district = _CITY.search(text), re.search(r"三元区", text)
        phase = _PHASE.search(text)
        if phase:
            name = f"第{'一' if phase.group(1) in ('一', '1') else '二'}阶段"
            if city or district:
                level = "三元区" if district and not city else "市级"
                return Routed("staffing", calculation=staffing.phase_level(name, level))
            return Routed("staffing", calculation=staffing.total("phase", name))
        excluded_text = _EXCEPT.search(text)
        main_text = text[: excluded_text.start()] + text[excluded_text.end() :] if excluded_text else text
        named = _staff_posts(main_text)
        if excluded_text and named:
            minus = _staff_posts(excluded_text.group(2))
            parts = [staffing.total(by, key) for by, key in named + minus]
            return Routed("staffing", calculation=staffing.combined(parts, [1] * len(named) + [-1] * len(minus)))
        if len(named) > 1:
            return Routed("staffing", calculation=staffing.combined([staffing.total(by, key) for by, key in named]))
        if named:
            return Routed("staffing", calculation=staffing.total(*named[0]))
        if city and district:
            levels = [staffing.total("level", "市级"), staffing.total("level", "三元区")]
            return Routed("staffing", calculation=staffing.combined(levels))
        if _WHOLE.search(text):
            return Routed("staffing", calculation=staffing.total("all"))
        if district:
            return Routed("staffing", calculation=staffing.total("level", "三元区"))
        if city:
            return Routed("staffing", calculation=staffing.total("level", "市级"))
        return Routed("staffing", calculation=staffing.total("all"))

    # -- validity ---------------------------------------------------------------

    def _validity(self, text: str, answers: dict[str, str], as_of: date) -> Routed | None:
        if not _VALIDITY_ASK.search(text):
            return None
        mentioned = quantities.dates(text, as_of)
        register = self.register or validity.configured_register()
        if _EXPIRING_LIST.search(text):
            year = _BARE_YEAR.search(text)
            if year and not mentioned:
                first, last = date(int(year.group(1)), 1, 1), date(int(year.group(1)), 12, 31)
                return Routed("validity", calculation=validity.expiring_by(last, first, register))
            until = mentioned[-1] if mentioned else as_of
            since = mentioned[0] if len(mentioned) > 1 else None
            return Routed("validity", calculation=validity.expiring_by(until, since, register))
        on = mentioned[0] if mentioned else as_of
        try:
            document = register.find(text, on)
        except CalculationError:
            return None
        if Gazetteer.load().outside(text, document.title):
            return None  # "浙江省…储备粮…办法" is not 《福建省…储备粮安全管理办法》
        return Routed("validity", calculation=validity.status(document, on, register))


# A minus sign however typed: "-5", "−5" (U+2212), "－5", "负5".
_MINUS = "[-−－﹣‐‑–负]"
# "2024年9月27日之后5个工作日": the count follows the word "after".
_N_AFTER = re.compile(rf"(?:之后|以后|后|起)(?:的)?\s*(?P<sign>{_MINUS})?\s*(\d+(?:\.\d+)?|[一二两三四五六七八九十百]+)\s*个?(工作日|日|天)")
_BARE_YEAR = re.compile(r"(\d{4})\s*年(?!\s*\d{1,2}\s*月)(?!\s*[底末])")
_DATE_ASK = re.compile(r"哪天|哪一天|几号|几月几日|最晚|最迟|截止|什么时候|何时|到期|日期|期限是")
_BETWEEN = re.compile(r"(之间|中间|间隔|相隔).{0,6}(几个|多少个?)工作日|(几个|多少个?)工作日")
_AFTER_N = re.compile(rf"(?<![月\d.])(?P<sign>{_MINUS})?\s*(\d+(?:\.\d+)?|[一二两三四五六七八九十百]+)\s*个?(工作日|日|天)(后|以后|之后|内)")


_NEGATED = re.compile(r"(不算|不是|不属于|并非|非)(特别)?重大")


def _run(name: str, **inputs) -> Calculation:
    """A calculator through its registry entry, so the router's inputs meet the same checks
    (ranges, dates in 1949–2100) as any other caller's."""
    result = registry.run(registry.get(name), inputs)
    if isinstance(result, Clarification):
        raise CalculationError(result.question)
    return result


def _limit_named(text: str) -> deadlines.Limit | None:
    """The catalogued time limit a question names (longest alias wins).

    People split an alias with their own words ("差评……整改反馈"), so an alias
    matches when its characters appear in order within a short stretch of the
    question; a negated qualifier ("不算特别重大") is removed first.
    """
    text = _NEGATED.sub("", text)
    best: tuple[int, deadlines.Limit] | None = None
    for limit in deadlines.catalogue():
        for alias in (limit.name, *limit.aliases):
            if alias and _in_order(alias, text, window=4 * len(alias) + 12) and (best is None or len(alias) > best[0]):
                best = (len(alias), limit)
    return best[1] if best else None


def _in_order(needle: str, text: str, window: int) -> bool:
    """True when needle's characters occur in text in order, within ``window`` characters."""
    for start in (i for i, ch in enumerate(text) if ch == needle[0]):
        position = start
        for ch in needle[1:]:
            position = text.find(ch, position + 1, start + window)
            if position < 0:
                break
        else:
            return True
    return False


def _liability(text: str) -> str:
    if _TUMOUR_DRUG.search(text):
        return "tumour_drugs"
    if _RARE_DRUG.search(text):
        return "rare_disease_drugs"
    if _OUTPATIENT.search(text):
        return "outpatient_special"
    if _INPATIENT.search(text):
        area = _area(text)
        if area is None:
            raise payout.NeedsInput("area", _AREA_QUESTION)
        return "inpatient_in_area" if area else "inpatient_out_of_area"
    raise payout.NeedsInput(
        "liability",
        "请问这笔费用是哪一类：在三明统筹区内住院、在统筹区外住院、门诊特殊病种，还是特定药品（肿瘤药或罕见病药）？",
    )


_AREA_QUESTION = "请问是在三明市（统筹区）内住院，还是在三明以外的地方住院？"


def _area(text: str) -> bool | None:
    """True: care inside 三明's 统筹区; False: outside; None: the text does not say.

    Places are read against the national list of administrative divisions, so any
    city or county outside 三明 counts as outside, not only the few a list names."""
    if _OUT_OF_AREA.search(text):
        return False
    places = Gazetteer.load().find(text)
    outside = [p for p in places if p.city != _HOME_CITY and p.full != "福建省"]
    if outside:
        return False
    if places or _IN_AREA.search(text):
        return True
    return None


def _eligible_amount(amounts: list[slots.Amount]) -> tuple[float | None, str]:
    """The cost the insurance looks at (what is left after basic insurance), and the
    step that derived it when the question gave a total and what was reimbursed."""
    if not amounts:
        return None, ""
    self_paid = [a for a in amounts if a.role == "self_paid"]
    if len(self_paid) == 1:
        return self_paid[0].value, ""
    if len(self_paid) > 1:
        return None, ""
    totals = [a for a in amounts if a.role == "total"]
    reimbursed = [a for a in amounts if a.role == "reimbursed"]
    if len(totals) == 1 and len(reimbursed) == 1 and totals[0].value >= reimbursed[0].value:
        left = totals[0].value - reimbursed[0].value
        return left, f"报销后自付 = 总费用 {totals[0].value:,.0f} 元 − 已报销 {reimbursed[0].value:,.0f} 元 = {left:,.0f} 元"
    if len(amounts) == 1 and amounts[0].role in ("unknown", "total") and len(totals) <= 1 and not reimbursed:
        # One amount, not called a total of a bill: read as the cost the question is about.
        return (amounts[0].value, "") if amounts[0].role == "unknown" else (None, "")
    return None, ""


def _conditions(text: str) -> tuple[tuple[str, ...], bool]:
    """The 特定既往症 the text affirms, and whether it denied any ("我没有冠心病")."""
    affirmed, denied = [], False
    for condition in payout.match_conditions(text):
        spots = [m.start() for alias in (condition.name, *condition.aliases) if alias for m in re.finditer(re.escape(alias), text)]
        if spots and all(slots.negated(text, spot) for spot in spots):
            denied = True
        else:
            affirmed.append(condition.name)
    return tuple(affirmed), denied


def _yes_no(answer: str) -> bool | None:
    answer = answer.strip()
    if _NO.search(answer):
        return False
    if _YES.search(answer):
        return True
    return None


# Each calculator question, recognised when it comes back in the history.
_QUESTIONS: dict[str, re.Pattern[str]] = {
    "preexisting": re.compile(r"请问被保人有这类病史吗"),
    "drug_class": re.compile(r"您用的药属于哪一类"),
    "participation_rate": re.compile(r"请问全市参保率是多少"),
    "liability": re.compile(r"请问这笔费用是哪一类"),
    "start_date": re.compile(r"的期限从哪一天开始算"),
    "amount": re.compile(r"自己负担的合理医疗费用是多少元|报销后自付的金额"),
    "area": re.compile(r"还是在三明以外的地方住院"),
}

_DONT_KNOW = re.compile(r"^(不知道|不清楚|不确定|不晓得|不懂|忘了|说不清)")


# Replies offered as buttons under a question; each is read by ``_fills`` and the router like typed
# text, and each moves the calculation on ("不确定" would only bring the same question back: the
# calculator cannot assume it, which is said when someone types it).
QUICK_REPLIES = {
    "preexisting": ("有", "没有"),
    "area": ("在三明市内住院", "在三明市外住院"),
    "liability": ("统筹区内住院", "统筹区外住院", "门诊特殊病种", "肿瘤药", "罕见病药"),
    "drug_class": ("A类", "B类", "C类"),
}


def _asking(clarification: Clarification, answers: dict[str, str]) -> Clarification:
    """The question with its quick replies; again, saying why, when the user answered it with "不知道"."""
    clarification = replace(clarification, choices=clarification.choices or QUICK_REPLIES.get(clarification.field, ()))
    if _DONT_KNOW.search(answers.get(clarification.field, "").strip()):
        return replace(clarification, question="这一项会影响计算结果，我不能替您假设。" + clarification.question)
    return clarification


def _payout_understood(request: dict) -> tuple[tuple[str, str], ...]:
    """The payout inputs as read from the conversation, in the words a citizen used."""
    rows = [
        ("医保报销后自付", f"{_yuan(request['eligible_amount'])} 元"),
        ("保险责任", payout.LIABILITIES[request["liability"]].split("：", 1)[-1]),
        ("特定既往症", ("有：" + "、".join(request["conditions"])) if request["conditions"] else "有" if request["preexisting"] else "无"),
    ]
    if request["relief_recipient"]:
        rows.append(("救助对象", "是"))
    if request["drug_class"]:
        rows.append(("肿瘤药品类别", f"{request['drug_class']}类"))
    if request["participation_rate"] is not None:
        rows.append(("全市参保率", f"{request['participation_rate'] * 100:g}%"))
    if request["paid_this_year"]:
        rows.append(("本年度已赔付", f"{_yuan(request['paid_this_year'])} 元"))
    if request["deductible_used"]:
        rows.append(("本年度已抵扣免赔额", f"{_yuan(request['deductible_used'])} 元"))
    return tuple(rows)


def _yuan(amount: float) -> str:
    return f"{amount:,.2f}".rstrip("0").rstrip(".") if amount % 1 else f"{amount:,.0f}"


def _fills(field_name: str, answer: str) -> bool:
    """Does this reply answer the question we asked for ``field_name``? Anything else is a new question."""
    answer = answer.strip()
    if _DONT_KNOW.search(answer):
        return True  # the calculator says what it cannot assume and asks again
    if field_name == "preexisting":
        return _yes_no(answer) is not None or bool(payout.match_conditions(answer)) or len(answer) <= 4
    if field_name == "drug_class":
        return bool(re.search(r"[ABCabc]", answer))
    if field_name == "participation_rate":
        return bool(re.search(r"\d|百分之", answer)) and len(answer) <= 20
    if field_name == "liability":
        return bool(_TUMOUR_DRUG.search(answer) or _RARE_DRUG.search(answer) or _OUTPATIENT.search(answer) or _INPATIENT.search(answer))
    if field_name == "start_date":
        return bool(re.search(r"\d|[今明昨后前]天|周|星期", answer)) and len(answer) <= 30
    if field_name == "amount":
        return bool(quantities.amounts(answer))
    if field_name == "area":
        return _area(answer) is not None or bool(re.search(r"^(内|外|市内|市外|省内|省外|三明)", answer))
    return False


def _clarify_chain(question: str, history: list[Turn]) -> tuple[str, dict[str, str]]:
    """Rebuild (original question, {field: answer}) when the user is answering our questions."""
    answers: dict[str, str] = {}
    current = question
    turns = list(history)
    while len(turns) >= 2 and turns[-1].role == "assistant":
        field_name = next((name for name, pattern in _QUESTIONS.items() if pattern.search(turns[-1].content)), None)
        if field_name is None or turns[-2].role != "user" or not _fills(field_name, current):
            break
        answers.setdefault(field_name, current)
        current = turns[-2].content
        turns = turns[:-2]
    if not answers:
        return question, {}
    # Every reply joins the question: "自付2万，没有既往症" answers more than it was asked.
    extra = "，".join(value for key, value in answers.items() if not _DONT_KNOW.search(value.strip()))
    return f"{current} {extra}".strip(), answers
