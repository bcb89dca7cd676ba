"""The demo congress's casework: for each year of activity, the suggestions of that year's
congress session (about 900) with replies in every state — on time and late, every class,
satisfied and not, some handled a second time, some still open and overdue — and a few
about 4,000 letters and visits a year (some overdue, some whose writers were not satisfied and
asked for a review, handled a second time).

Rows are built in memory and bulk-inserted (thousands of items through the services one by
one would take minutes); every date is computed with the same rules as the services, and each
item gets the timeline the services would have written, and every row its historical (audit)
row, as if the clerk had entered it when the demo was built."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings

from sanxing.casework import kinds
from sanxing.casework.kinds import EvaluationValue, Kind, Purpose, Topic, spec_for
from sanxing.casework.models import (
    Assignment,
    Clock,
    ContactRecord,
    Evaluation,
    Item,
    ItemOriginator,
    Mailbox,
    Milestone,
    ProgressReport,
    Reply,
    SupervisionLog,
    TimelineEvent,
    UnitSetting,
)
from sanxing.casework.services import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    _official,
    workflow_for,
)
from sanxing.people.models import Organisation, Person, Role

try:
    from sanxing.demo.registry import DemoContext, register
except ImportError:  # pragma: no cover - the demo app is part of the foundation
    DemoContext = Any  # type: ignore[misc,assignment]
    register = None  # type: ignore[assignment]

SUGGESTIONS_PER_SESSION = 900
MOTIONS_PER_SESSION = 40
REVIEW_OPINIONS_PER_YEAR = 30
LETTERS_PER_YEAR = 4000
IMPLEMENTATION_PER_YEAR = 12
# Resolutions and decisions of the Standing Committee, and leaders' instructions (批示), to be
# carried out by the government's departments (督辦落實事項), with their steps.
DECISION_TITLES = [
    "關於加快推進老舊小區改造工作的決議",
    "關於進一步加強生態環境保護依法推動打好污染防治攻堅戰的決議",
    "關於市本級預算執行和其他財政收支審計查出問題整改情況的決定",
    "關於全面推進生活垃圾分類工作的決定",
    "關於加強養老服務體系建設的決議",
    "關於進一步優化營商環境的決議",
    "關於加強河道管理保護的決定",
]
INSTRUCTION_TITLES = [
    "主任批示：關於學校周邊交通擁堵問題的督辦件",
    "主任批示：關於農村飲水安全問題的督辦件",
    "副主任批示：關於電動自行車充電安全隱患整治的督辦件",
    "主任批示：關於拖欠農民工工資問題的督辦件",
    "副主任批示：關於社區老年食堂建設進度的督辦件",
]
MILESTONE_TITLES = [
    "成立工作專班，制定實施方案",
    "召開專題部署會議，明確責任分工",
    "開展調查摸底，形成問題清單",
    "完成試點並總結經驗",
    "在全市全面推開",
    "組織專項督查",
    "向常委會報送落實情況報告",
]
PROGRESS_TEXTS = [
    "已成立由分管副市長任組長的工作專班，實施方案已印發各區縣。",
    "已召開全市部署會議，明確了牽頭和配合單位的責任分工。",
    "已完成全市調查摸底，形成問題清單和整改台賬。",
    "試點工作已在東城區、南湖區完成，正在總結經驗。",
    "已在全市全面推開，完成年度任務的大部分。",
    "各項任務已全部完成，落實情況報告已報送常委會。",
]
# How far an implementation item has come: every state appears in the demo.
JUST_STARTED, ON_TRACK, LATE, DONE = "just_started", "on_track", "late", "done"
MOTION_TITLES = [
    "關於制定《示範市養老服務條例》的議案",
    "關於制定《示範市物業管理條例》的議案",
    "關於修改《示範市城市市容和環境衛生管理條例》的議案",
    "關於制定《示範市河道管理條例》的議案",
    "關於制定《示範市優化營商環境條例》的議案",
]
REVIEW_TITLES = [
    "對市人民政府關於生態環境保護工作情況報告的審議意見",
    "對市中級人民法院關於破解執行難工作情況報告的審議意見",
    "對市人民檢察院關於公益訴訟工作情況報告的審議意見",
    "對《食品安全法》執法檢查報告的審議意見",
    "對市人民政府關於養老服務體系建設情況報告的審議意見",
]

TOPIC_TITLES = {
    Topic.EDUCATION: ["增加公辦幼兒園學位", "規範校外培訓", "改善課後延時服務", "新建中學"],
    Topic.HEALTH: ["緩解醫院排隊難", "加強社區衛生服務中心建設", "推進醫保異地結算"],
    Topic.ELDERLY: ["建設社區老年食堂", "發展居家養老服務", "加裝既有住宅電梯"],
    Topic.TRANSPORT: ["優化公交線路", "緩解學校周邊交通擁堵", "增設停車位", "改造背街小巷"],
    Topic.HOUSING: ["推進老舊小區改造", "規範物業管理", "解決房產證辦理難"],
    Topic.ENVIRONMENT: ["治理河道污染", "整治餐飲油煙擾民", "加強噪聲管控"],
    Topic.URBAN: ["推進垃圾分類", "規範占道經營", "完善城市照明"],
    Topic.EMPLOYMENT: ["促進高校畢業生就業", "擴大靈活就業人員社保覆蓋"],
    Topic.BUSINESS: ["清理拖欠企業賬款", "優化審批流程", "支持中小企業融資"],
    Topic.RURAL: ["改善農村道路", "發展鄉村特色產業", "提升農村飲水安全"],
    Topic.SAFETY: ["加強校園食品安全監管", "整治電動自行車充電隱患"],
    Topic.JUSTICE: ["破解執行難", "加強基層法律服務"],
    Topic.CULTURE: ["建設全民健身場地", "開放學校體育場館"],
}
LETTER_TITLES = [
    "小區漏水無人維修",
    "拖欠農民工工資",
    "房屋徵收補償爭議",
    "噪聲擾民",
    "物業服務糾紛",
    "社保待遇核定",
    "宅基地糾紛",
    "對法院判決不服",
    "學校周邊交通擁堵",
    "老舊小區加裝電梯",
    "農村飲水安全",
    "醫保報銷不及時",
    "違章建築影響採光",
    "餐飲油煙擾民",
    "公交線路調整",
    "幼兒園學位緊張",
]
LETTER_PLACES = ["東城區", "西城區", "南湖區", "北山縣", "新區", "開發區", "河西鎮", "城關鎮"]
LETTER_DETAILS = [
    "多次向有關部門反映未果，",
    "問題已持續一年多，",
    "涉及群眾二百餘戶，",
    "影響正常生活，",
    "經協商未能解決，",
]
SURNAMES = "王李張劉陳楊趙黃周吳徐孫胡朱高林何郭馬羅"
GIVEN = "偉芳娜秀英敏靜麗強磊軍洋勇艷傑娟濤明超蘭霞平剛桂"


class Builder:
    def __init__(self, ctx: Any):
        from sanxing.workcal.calendar import current_calendar

        self.ctx = ctx
        self.rng = ctx.rng
        self.today: dt.date = ctx.today
        self.congress = ctx.congress
        self.calendar = current_calendar()
        self.clerk = ctx.accounts.get("clerk")
        self.handler_user = ctx.accounts.get("handler")
        self.deputy_user = ctx.accounts.get("deputy")
        self.units = list(
            Organisation.objects.filter(
                congress=self.congress, kind=Organisation.Kind.HANDLING_UNIT
            ).order_by("pk")
        )
        self.deputies = list(
            Person.objects.filter(
                congress=self.congress,
                roles__kind=Role.Kind.DEPUTY,
                roles__term=ctx.term,
                roles__deleted_at__isnull=True,
            )
            .distinct()
            .order_by("pk")
        ) or list(
            Person.objects.filter(congress=self.congress, roles__kind=Role.Kind.DEPUTY)
            .distinct()
            .order_by("pk")
        )
        self.leaders = list(
            Person.objects.filter(
                congress=self.congress,
                roles__kind__in=Role.LEADER_KINDS,
                roles__ends_on__isnull=True,
            ).distinct()
        )
        self.numbers: dict[tuple[str, int], int] = {}
        self.links: list[tuple[Item, Item]] = []
        self.items: list[Item] = []
        self.plans: list[dict[str, Any]] = []

    # -- helpers ----------------------------------------------------------------------------

    def due(self, start: dt.date, period: str, extend_by: int = 0) -> tuple[dt.date, bool]:
        from sanxing.workcal.periods import compute_deadline

        d = compute_deadline(
            start=start, period=period, calendar=self.calendar, extend_by=extend_by
        )
        return d.due, d.provisional

    def number(self, kind: str, year: int) -> int:
        key = (kind, year)
        self.numbers[key] = self.numbers.get(key, 0) + 1
        return self.numbers[key]

    def days(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(low, high))

    def at(self, day: dt.date) -> dt.datetime:
        """A moment of office hours (09:00-17:00) in the congress's own time zone."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.congress.time_zone or settings.TIME_ZONE)
        return dt.datetime.combine(day, dt.time(9 + self.rng.randint(0, 8)), tzinfo=zone)

    def unit_of_handler_persona(self) -> Organisation | None:
        if self.handler_user is None or self.handler_user.person_id is None:
            return None
        role = Role.objects.filter(
            person_id=self.handler_user.person_id, kind=Role.Kind.HANDLER
        ).first()
        return role.organisation if role else None

    # -- suggestions ------------------------------------------------------------------------

    def session_dates(self) -> list[dt.date]:
        year = self.today.year if self.today.month >= 3 else self.today.year - 1
        return [dt.date(year - k, 1, 12 + self.rng.randint(0, 20)) for k in range(self.ctx.scale)]

    def build(self) -> None:
        if not self.units or not self.deputies:
            self.ctx.log("    casework: no handling units or deputies; skipped")
            return
        for kind in kinds.SPECS:
            workflow_for(self.congress, kind)
        own_unit = self.unit_of_handler_persona()
        for session in self.session_dates():
            for n in range(SUGGESTIONS_PER_SESSION):
                self.suggestion(session, n, own_unit)
            for n in range(MOTIONS_PER_SESSION):
                self.motion(session, n, own_unit)
        for k in range(self.ctx.scale):
            for _n in range(REVIEW_OPINIONS_PER_YEAR):
                self.review_opinion(self.today - dt.timedelta(days=365 * k) - self.days(20, 364))
        for k in range(self.ctx.scale):
            for _n in range(LETTERS_PER_YEAR):
                self.letter(self.today - dt.timedelta(days=365 * k) - self.days(0, 364))
        for k in range(self.ctx.scale):
            for n in range(IMPLEMENTATION_PER_YEAR):
                self.implementation(k, n, own_unit)
        self.flush()
        self.mailbox_and_approval(own_unit)
        from sanxing.casework.search import ensure_search_index

        ensure_search_index()  # the full-text index, filled from the rows when it is new
        counts = {kind: sum(1 for i in self.items if i.kind == kind) for kind in kinds.SPECS}
        self.ctx.log("    casework: " + ", ".join(f"{n} {k}" for k, n in counts.items()))

    def mailbox_and_approval(self, own_unit: Organisation | None) -> None:
        """The director's published mailbox (mail to it becomes a letter through ``sanxing
        mailin``) and one unit whose replies wait for its head's approval: the handler
        persona's unit, so the demo handler meets it."""
        director = self.ctx.accounts.get("director")
        person = getattr(director, "person", None)
        if person is not None:
            Mailbox.objects.get_or_create(
                address=f"director@{self.congress.code}.example.gov.cn".lower(),
                defaults={"congress": self.congress, "owner": person},
            )
        unit = own_unit or self.units[0]
        UnitSetting.objects.update_or_create(
            unit=unit, defaults={"congress": self.congress, "reply_needs_approval": True}
        )

    def suggestion(self, session: dt.date, n: int, own_unit: Organisation | None) -> None:
        rng = self.rng
        topic = rng.choice(list(TOPIC_TITLES))
        title = f"關於{rng.choice(TOPIC_TITLES[topic])}的建議"
        submitted = session + self.days(0, 4)
        registered = submitted + self.days(7, 20)
        if registered > self.today:
            return
        assigned = registered + self.days(3, 10)
        item = Item(
            congress=self.congress,
            kind=Kind.SUGGESTION,
            year=submitted.year,
            number=self.number(Kind.SUGGESTION, submitted.year),
            title=title,
            content=f"{title}。具體意見如下：……",
            topic=topic,
            channel=kinds.Channel.SESSION,
            submitted_on=submitted,
            registered_on=registered,
            state=kinds.REGISTERED,
            is_hard=rng.random() < 0.1,
            public_disclosure_agreed=rng.random() < 0.6,
        )
        plan: dict[str, Any] = {"item": item, "events": []}
        self.items.append(item)
        self.plans.append(plan)
        lead_deputy = (
            self.deputy_user.person
            if self.deputy_user is not None and n % 150 == 0
            else rng.choice(self.deputies)
        )
        co_signers = rng.sample(self.deputies, k=min(len(self.deputies), rng.choice((0, 0, 1, 2))))
        deputies = [lead_deputy, *[p for p in co_signers if p.pk != lead_deputy.pk]]
        plan["originators"] = [
            ItemOriginator(congress=self.congress, person=p, is_lead=i == 0)
            for i, p in enumerate(deputies)
        ]
        plan["events"] += [
            ("submit", "", "", submitted, ""),
            ("register", kinds.SUBMITTED, kinds.REGISTERED, registered, ""),
        ]
        if assigned > self.today:
            return
        lead_unit = own_unit if (own_unit and n % 12 == 0) else rng.choice(self.units)
        co_units = [
            u for u in rng.sample(self.units, k=rng.choice((0, 0, 0, 1, 2))) if u != lead_unit
        ]
        spec = spec_for(Kind.SUGGESTION)
        reply_rule = spec.clock("reply_hard" if item.is_hard else Purpose.REPLY)
        lead = Assignment(
            congress=self.congress, unit=lead_unit, role=Assignment.Role.LEAD, assigned_on=assigned
        )
        cos = [
            Assignment(
                congress=self.congress, unit=u, role=Assignment.Role.CO, assigned_on=assigned
            )
            for u in co_units
        ]
        plan["assignments"] = [lead, *cos]
        plan["clocks"] = []
        item.state = kinds.ASSIGNED
        plan["events"].append(
            ("assign", kinds.REGISTERED, kinds.ASSIGNED, assigned, lead_unit.name)
        )
        accepted = assigned + self.days(1, 4)
        for a in plan["assignments"]:
            window_rule = spec.clock(Purpose.RETURN_WINDOW)
            due, prov = self.due(assigned, window_rule.period)
            stop = accepted if accepted <= self.today else None
            a.accepted_on = stop
            plan["clocks"].append(
                self.clock(a, Purpose.RETURN_WINDOW, window_rule, assigned, due, prov, stop)
            )
        reply_due, prov = self.due(assigned, reply_rule.period)
        # When the lead unit replies: mostly on time, some late, some not yet.
        roll = rng.random()
        if roll < 0.82:
            replied = assigned + self.days(25, max(26, (reply_due - assigned).days - 2))
        elif roll < 0.92:
            replied = reply_due + self.days(3, 40)
        else:
            replied = reply_due + self.days(60, 200)  # still open, well overdue
        replied_on = replied if replied <= self.today else None
        plan["clocks"].append(
            self.clock(lead, Purpose.REPLY, reply_rule, assigned, reply_due, prov, replied_on)
        )
        for co in cos:
            rule = spec.clock(Purpose.CO_OPINION)
            due, p = self.due(assigned, rule.period)
            opinion = assigned + self.days(10, 35)
            plan["clocks"].append(
                self.clock(
                    co,
                    Purpose.CO_OPINION,
                    rule,
                    assigned,
                    due,
                    p,
                    opinion if opinion <= self.today else None,
                )
            )
            if opinion <= self.today:
                plan.setdefault("replies", []).append(
                    (
                        co,
                        Reply(
                            congress=self.congress,
                            round=1,
                            text="協辦意見：同意主辦單位意見，並將配合落實。",
                            reply_class="",
                            signed_by=f"{co.unit.name}辦公室",
                            sent_on=opinion,
                            submitted_by=self.clerk,
                        ),
                    )
                )
        if replied_on is None:
            return
        contact = max(assigned, replied_on - self.days(3, 20))
        plan.setdefault("contacts", []).append(
            (
                lead,
                ContactRecord(
                    congress=self.congress,
                    contacted_on=contact,
                    method=rng.choice(ContactRecord.Method.values),
                    note="與代表當面溝通辦理意見。",
                    recorded_by=self.clerk,
                ),
            )
        )
        self.reply_and_evaluate(plan, lead, replied_on, round_=1)
        if rng.random() < 0.03 and self.leaders:
            item.is_key_supervised = True
            item.supervising_leader = rng.choice(self.leaders)
            plan.setdefault("supervision", []).append(
                SupervisionLog(
                    congress=self.congress,
                    on=assigned + self.days(20, 60),
                    method=SupervisionLog.Method.PHONE,
                    note="電話了解辦理進度。",
                    by=self.clerk,
                )
            )

    def reply_and_evaluate(
        self, plan: dict[str, Any], lead: Assignment, replied_on: dt.date, round_: int
    ) -> None:
        rng = self.rng
        item: Item = plan["item"]
        spec = spec_for(Kind.SUGGESTION)
        cls = rng.choices(["A", "B", "C", "D"], weights=[45, 35, 15, 5])[0]
        committed = replied_on + self.days(90, 300) if cls == "B" else None
        plan.setdefault("replies", []).append(
            (
                lead,
                Reply(
                    congress=self.congress,
                    round=round_,
                    text=f"關於「{item.title}」的答復：經研究，{spec.reply_class_label(cls)}。",
                    reply_class=cls,
                    committed_on=committed,
                    signed_by=f"{lead.unit.name}主要負責人",
                    sent_on=replied_on,
                    submitted_by=self.clerk,
                ),
            )
        )
        before = item.state
        item.state = kinds.REPLIED
        plan["events"].append(
            ("reply", before, kinds.REPLIED, replied_on, f"{lead.unit.name} · {cls}")
        )
        if committed:
            rule = spec.clock(Purpose.COMMITMENT)
            # Most commitments are reported carried out, some late, some not yet.
            done = committed + self.days(-30, 20)
            done_on = done if done <= self.today and rng.random() < 0.85 else None
            plan["clocks"].append(
                Clock(
                    congress=self.congress,
                    assignment=lead,
                    purpose=Purpose.COMMITMENT,
                    round=round_,
                    period="",
                    rule_code=rule.code,
                    article=_official(rule.article),
                    started_on=replied_on,
                    due_on=committed,
                    stopped_on=max(done_on, replied_on) if done_on else None,
                    elapsed_days=(max(done_on, replied_on) - replied_on).days if done_on else None,
                )
            )
        form_rule = spec.clock(Purpose.EVALUATION_FORM)
        form_due, prov = self.due(replied_on, form_rule.period)
        evaluated = replied_on + self.days(5, 30)
        returned = rng.random() < 0.9 and evaluated <= self.today
        form = Clock(
            congress=self.congress,
            assignment=None,
            purpose=Purpose.EVALUATION_FORM,
            round=round_,
            period=form_rule.period,
            rule_code=form_rule.code,
            article=_official(form_rule.article),
            started_on=replied_on,
            due_on=form_due,
            provisional=prov,
            stopped_on=evaluated if returned else None,
        )
        if returned:
            form.elapsed_days = (evaluated - replied_on).days
        plan["clocks"].append(form)
        if not returned:
            return
        weights = [70, 24, 6] if round_ == 1 else [50, 40, 10]
        value = rng.choices(
            [
                EvaluationValue.SATISFIED,
                EvaluationValue.BASICALLY_SATISFIED,
                EvaluationValue.UNSATISFIED,
            ],
            weights=weights,
        )[0]
        lead_deputy = plan["originators"][0].person
        plan.setdefault("evaluations", []).append(
            Evaluation(
                congress=self.congress,
                person=lead_deputy,
                round=round_,
                value=value,
                comment="希望進一步加大落實力度。" if value == EvaluationValue.UNSATISFIED else "",
                evaluated_on=evaluated,
            )
        )
        if value == EvaluationValue.UNSATISFIED and round_ == 1:
            item.round = 2
            item.state = kinds.REHANDLING
            plan["events"].append(
                ("evaluate", kinds.REPLIED, kinds.REHANDLING, evaluated, str(value.label))
            )
            rule = spec.clock(Purpose.REHANDLE)
            due, p = self.due(evaluated, rule.period)
            second = evaluated + self.days(15, 45)
            second_on = second if second <= self.today else None
            plan["clocks"].append(
                self.clock(lead, Purpose.REHANDLE, rule, evaluated, due, p, second_on, round_=2)
            )
            if second_on:
                self.reply_and_evaluate(plan, lead, second_on, round_=2)
            return
        item.state = kinds.CLOSED
        item.closed_on = evaluated
        plan["events"].append(
            ("evaluate", kinds.REPLIED, kinds.CLOSED, evaluated, str(value.label))
        )

    def clock(
        self,
        assignment: Assignment | None,
        purpose: str,
        rule: kinds.ClockRule,
        start: dt.date,
        due: dt.date,
        provisional: bool,
        stopped: dt.date | None,
        round_: int = 1,
    ) -> Clock:
        clock = Clock(
            congress=self.congress,
            assignment=assignment,
            purpose=purpose,
            round=round_,
            period=rule.period,
            rule_code=rule.code,
            article=_official(rule.article),
            started_on=start,
            due_on=due,
            provisional=provisional,
            stopped_on=stopped,
        )
        if stopped is not None:
            clock.stopped_on = max(stopped, start)
            clock.elapsed_days = (clock.stopped_on - start).days
        return clock

    # -- motions and review opinions ---------------------------------------------------------

    def motion(self, session: dt.date, n: int, own_unit: Organisation | None) -> None:
        rng = self.rng
        submitted = session + self.days(0, 3)
        decided = session + self.days(4, 6)
        if decided > self.today:
            return
        title = rng.choice(MOTION_TITLES)
        item = Item(
            congress=self.congress,
            kind=Kind.MOTION,
            year=submitted.year,
            number=self.number(Kind.MOTION, submitted.year),
            title=title,
            content=f"{title}。案由、依據和方案如下：……",
            topic=rng.choice(list(Topic)),
            channel=kinds.Channel.SESSION,
            submitted_on=submitted,
            registered_on=decided,
            closed_on=decided,
        )
        deputies = rng.sample(self.deputies, k=min(len(self.deputies), rng.randint(10, 16)))
        decision = rng.choices(
            [kinds.ON_AGENDA, kinds.REFERRED, kinds.CONVERTED], weights=[15, 35, 50]
        )[0]
        item.state = decision
        plan: dict[str, Any] = {
            "item": item,
            "originators": [
                ItemOriginator(congress=self.congress, person=p, is_lead=i == 0)
                for i, p in enumerate(deputies)
            ],
            "events": [
                ("submit", "", "", submitted, ""),
                ("decide", kinds.SUBMITTED, decision, decided, ""),
            ],
        }
        self.items.append(item)
        self.plans.append(plan)
        if decision == kinds.CONVERTED:
            before = len(self.items)
            self.suggestion(decided - dt.timedelta(days=4), n, own_unit)
            if len(self.items) > before:
                self.links.append((self.items[-1], item))

    def review_opinion(self, sent: dt.date) -> None:
        rng = self.rng
        spec = spec_for(Kind.REVIEW_OPINION)
        title = rng.choice(REVIEW_TITLES)
        unit = rng.choice(self.units)
        item = Item(
            congress=self.congress,
            kind=Kind.REVIEW_OPINION,
            year=sent.year,
            number=self.number(Kind.REVIEW_OPINION, sent.year),
            title=title,
            content="常委會組成人員審議認為……建議：一、……二、……",
            topic=rng.choice(list(Topic)),
            channel=kinds.Channel.BETWEEN_SESSIONS,
            submitted_on=sent,
            registered_on=sent,
            state=kinds.ASSIGNED,
        )
        lead = Assignment(
            congress=self.congress,
            unit=unit,
            role=Assignment.Role.LEAD,
            assigned_on=sent,
            accepted_on=sent + self.days(1, 3),
        )
        rule = spec.clock(Purpose.REPLY)
        due, prov = self.due(sent, rule.period)
        report = sent + self.days(40, 110)
        report_on = report if report <= self.today else None
        plan: dict[str, Any] = {
            "item": item,
            "assignments": [lead],
            "clocks": [self.clock(lead, Purpose.REPLY, rule, sent, due, prov, report_on)],
            "events": [
                ("submit", "", "", sent, ""),
                ("register", kinds.SUBMITTED, kinds.REGISTERED, sent, ""),
                ("assign", kinds.REGISTERED, kinds.ASSIGNED, sent, unit.name),
            ],
        }
        self.items.append(item)
        self.plans.append(plan)
        if report_on is None:
            return
        cls = rng.choices(["A", "B", "C"], weights=[50, 40, 10])[0]
        plan["replies"] = [
            (
                lead,
                Reply(
                    congress=self.congress,
                    round=1,
                    text="關於審議意見研究處理情況的報告：……",
                    reply_class=cls,
                    signed_by=f"{unit.name}主要負責人",
                    sent_on=report_on,
                    submitted_by=self.clerk,
                ),
            )
        ]
        item.state = kinds.REPLIED
        plan["events"].append(("reply", kinds.ASSIGNED, kinds.REPLIED, report_on, unit.name))
        heard = report_on + self.days(20, 60)
        if heard <= self.today:
            item.state = kinds.CLOSED
            item.closed_on = heard
            plan["events"].append(("close", kinds.REPLIED, kinds.CLOSED, heard, ""))

    # -- implementation items: resolutions, decisions and leaders' instructions ------------------

    def implementation(self, k: int, n: int, own_unit: Organisation | None) -> None:
        """A resolution, decision or leader's instruction to implement, with its milestones and
        progress reports: this year's in every state (just started, on track, late, done),
        earlier years' done and closed."""
        rng = self.rng
        spec = spec_for(Kind.IMPLEMENTATION)
        state = DONE if k else [JUST_STARTED, ON_TRACK, LATE, DONE][n % 4]
        back = {JUST_STARTED: (3, 15), ON_TRACK: (45, 90), LATE: (100, 160), DONE: (200, 330)}
        start = self.today - dt.timedelta(days=365 * k) - self.days(*back[state])
        instruction = n % 3 == 2
        title = rng.choice(INSTRUCTION_TITLES if instruction else DECISION_TITLES)
        unit = (
            own_unit if own_unit is not None and n % 4 != 3 and k == 0 else rng.choice(self.units)
        )
        item = Item(
            congress=self.congress,
            kind=Kind.IMPLEMENTATION,
            year=start.year,
            number=self.number(Kind.IMPLEMENTATION, start.year),
            title=title,
            content=(
                "請市人民政府有關部門抓緊研究落實，並按時報告落實情況。"
                if instruction
                else f"{title.removesuffix('的決議').removesuffix('的決定')}，"
                "責成市人民政府認真貫徹落實，並向常委會報告落實情況。"
            ),
            topic=rng.choice(list(Topic)),
            channel=kinds.Channel.BETWEEN_SESSIONS,
            submitted_on=start,
            registered_on=start,
            state=kinds.ASSIGNED,
        )
        lead = Assignment(
            congress=self.congress,
            unit=unit,
            role=Assignment.Role.LEAD,
            assigned_on=start,
            accepted_on=start + self.days(1, 3),
        )
        assignments = [lead]
        others = [u for u in self.units if u.pk != unit.pk]
        if others and n % 2:
            assignments.append(
                Assignment(
                    congress=self.congress,
                    unit=rng.choice(others),
                    role=Assignment.Role.CO,
                    assigned_on=start,
                    accepted_on=start + self.days(1, 3),
                )
            )
        rule = spec.clock(Purpose.REPLY)
        due, prov = self.due(start, rule.period)
        # the steps: spread from the start to about four months on, in order
        steps = rng.randint(3, 5)
        titles = [*MILESTONE_TITLES[: steps - 1], MILESTONE_TITLES[-1]]
        dues = [start + dt.timedelta(days=int(30 * (i + 1) * 4 / steps)) for i in range(steps)]
        if state == LATE and dues[0] >= self.today:
            dues[0] = self.today - self.days(5, 20)
        past = [i for i, d in enumerate(dues) if d < self.today]
        milestones = []
        for i, (t, d) in enumerate(zip(titles, dues, strict=True)):
            m = Milestone(congress=self.congress, title=t, due_on=d, order=i + 1)
            if state == DONE or (i in past and not (state == LATE and i == past[-1])):
                m.done_on = min(self.today, d - self.days(0, 5))
                if state == LATE and i == 0 and len(past) > 1:
                    m.done_on = min(self.today, d + self.days(3, 12))  # done, but late
            milestones.append(m)
        done = [m for m in milestones if m.done_on]
        reports: list[ProgressReport] = []
        percents = {
            JUST_STARTED: [rng.choice([0, 5, 10])],
            ON_TRACK: [20, rng.randint(40, 60)],
            LATE: [15, 30, 20],
            DONE: [30, 70, 100],
        }[state]
        if state == JUST_STARTED and rng.random() < 0.5:
            percents = []  # nothing reported yet: the progress is read from the milestones
        day = start
        for j, percent in enumerate(percents):
            day = min(self.today, day + self.days(15, 40) if j else start + self.days(2, 8))
            reports.append(
                ProgressReport(
                    congress=self.congress,
                    assignment=lead,
                    percent=percent,
                    text=PROGRESS_TEXTS[min(len(PROGRESS_TEXTS) - 1, percent * 6 // 101)],
                    reason="試點中發現方案需調整，部分工作返工。"
                    if j and percent < percents[j - 1]
                    else "",
                    reported_on=day,
                    reported_by=self.handler_user or self.clerk,
                )
            )
        events: list[tuple[str, str, str, dt.date, str]] = [
            ("submit", "", "", start, ""),
            ("register", kinds.SUBMITTED, kinds.REGISTERED, start, ""),
            ("assign", kinds.REGISTERED, kinds.ASSIGNED, start, unit.name),
        ]
        events += [
            ("milestone_add", "", "", start + dt.timedelta(days=2), m.title) for m in milestones
        ]
        events += [("milestone_done", "", "", m.done_on, m.title) for m in done if m.done_on]
        events += [
            ("progress", "", "", r.reported_on, f"{unit.name}: {r.percent}% · {r.text}")
            for r in reports
        ]
        replied = max((m.done_on or start for m in done), default=start) if state == DONE else None
        plan: dict[str, Any] = {
            "item": item,
            "assignments": assignments,
            "clocks": [self.clock(lead, Purpose.REPLY, rule, start, due, prov, replied)],
            "milestones": milestones,
            "progress": reports,
            "events": sorted(events, key=lambda e: e[3]),
        }
        if replied is not None:
            plan["replies"] = [
                (
                    lead,
                    Reply(
                        congress=self.congress,
                        round=1,
                        text=f"關於「{title}」落實情況的報告：各項任務已按期完成。……",
                        signed_by=f"{unit.name}主要負責人",
                        sent_on=replied,
                        submitted_by=self.clerk,
                    ),
                )
            ]
            item.state = kinds.REPLIED
            plan["events"].append(("reply", kinds.ASSIGNED, kinds.REPLIED, replied, unit.name))
            closed = replied + self.days(10, 40)
            if k and closed <= self.today:
                item.state = kinds.CLOSED
                item.closed_on = closed
                plan["events"].append(("close", kinds.REPLIED, kinds.CLOSED, closed, ""))
        self.items.append(item)
        self.plans.append(plan)

    # -- letters ------------------------------------------------------------------------------

    def letter(self, received: dt.date) -> None:
        rng = self.rng
        spec = spec_for(Kind.LETTER)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        title = rng.choice(LETTER_TITLES)
        place = rng.choice(LETTER_PLACES)
        item = Item(
            congress=self.congress,
            kind=Kind.LETTER,
            year=received.year,
            title=title,
            content=f"來信反映{place}{title}問題，{rng.choice(LETTER_DETAILS)}請求依法處理。",
            topic=rng.choice(list(Topic)),
            channel=rng.choice(
                [
                    kinds.Channel.LETTER,
                    kinds.Channel.VISIT,
                    kinds.Channel.EMAIL,
                    kinds.Channel.WEB,
                    kinds.Channel.PHONE,
                ]
            ),
            submitted_on=received,
            state=kinds.RECEIVED,
            petitioner_name=name,
            petitioner_phone=f"13{rng.randint(100000000, 999999999)}",
            tracking_code="".join(
                secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH)
            ),
        )
        plan: dict[str, Any] = {
            "item": item,
            "events": [("receive", "", "", received, "")],
            "clocks": [],
        }
        self.items.append(item)
        self.plans.append(plan)
        rule = spec.clock(Purpose.REGISTER)
        due, prov = self.due(received, rule.period)
        accepted = received + self.days(2, 16)
        accepted_on = accepted if accepted <= self.today else None
        plan["clocks"].append(
            self.clock(None, Purpose.REGISTER, rule, received, due, prov, accepted_on)
        )
        if accepted_on is None:
            return
        if rng.random() < 0.15:
            item.state = kinds.REDIRECTED
            item.closed_on = accepted_on
            plan["events"].append(
                (
                    "redirect",
                    kinds.RECEIVED,
                    kinds.REDIRECTED,
                    accepted_on,
                    "告知向有權處理的機關提出",
                )
            )
            return
        item.number = self.number(Kind.LETTER, received.year)
        item.registered_on = accepted_on
        item.state = kinds.ACCEPTED
        plan["events"].append(("accept", kinds.RECEIVED, kinds.ACCEPTED, accepted_on, ""))
        rule = spec.clock(Purpose.HANDLE)
        extended = 30 if rng.random() < 0.08 else 0
        due, prov = self.due(accepted_on, rule.period, extended)
        answered = accepted_on + self.days(20, 75 + extended)
        answered_on = answered if answered <= self.today else None
        handle = self.clock(None, Purpose.HANDLE, rule, accepted_on, due, prov, answered_on)
        handle.extended_days = extended
        plan["clocks"].append(handle)
        if answered_on is None:
            return
        outcome = rng.choices(["support", "explain", "reject"], weights=[35, 50, 15])[0]
        plan.setdefault("replies", []).append(
            (
                None,
                Reply(
                    congress=self.congress,
                    round=1,
                    text="經調查核實，答復如下：……",
                    reply_class=outcome,
                    signed_by="信訪室",
                    sent_on=answered_on,
                    submitted_by=self.clerk,
                ),
            )
        )
        item.state = kinds.ANSWERED
        plan["events"].append(
            ("answer", kinds.ACCEPTED, kinds.ANSWERED, answered_on, spec.reply_class_label(outcome))
        )
        rule = spec.clock(Purpose.REVIEW_REQUEST)
        due, prov = self.due(answered_on, rule.period)
        window_closed = due < self.today
        # About one writer in twelve is not satisfied and asks for a review (複查).
        asked = answered_on + self.days(5, 25)
        if rng.random() < 0.08 and asked <= min(due, self.today):
            plan["clocks"].append(
                self.clock(None, Purpose.REVIEW_REQUEST, rule, answered_on, due, prov, asked)
            )
            self.letter_review(plan, asked)
            return
        plan["clocks"].append(
            self.clock(
                None,
                Purpose.REVIEW_REQUEST,
                rule,
                answered_on,
                due,
                prov,
                due if window_closed else None,
            )
        )
        if window_closed:
            item.state = kinds.CLOSED
            item.closed_on = due
            plan["events"].append(("close", kinds.ANSWERED, kinds.CLOSED, due, ""))

    def letter_review(self, plan: dict[str, Any], asked: dt.date) -> None:
        """The writer was not satisfied: the letter is handled again (round 2)."""
        rng = self.rng
        spec = spec_for(Kind.LETTER)
        item: Item = plan["item"]
        item.round = 2
        item.state = kinds.UNDER_REVIEW
        plan["events"].append(
            ("request_review", kinds.ANSWERED, kinds.UNDER_REVIEW, asked, "對處理意見不滿意")
        )
        rule = spec.clock(Purpose.REVIEW)
        due, prov = self.due(asked, rule.period)
        decided = asked + self.days(10, 45)  # some reviews run late
        decided_on = decided if decided <= self.today else None
        plan["clocks"].append(
            self.clock(None, Purpose.REVIEW, rule, asked, due, prov, decided_on, round_=2)
        )
        if decided_on is None:
            return
        outcome = rng.choices(["support", "explain", "reject"], weights=[20, 50, 30])[0]
        plan["replies"].append(
            (
                None,
                Reply(
                    congress=self.congress,
                    round=2,
                    text="經複查，維持原處理意見並答復如下：……",
                    reply_class=outcome,
                    signed_by="信訪室",
                    sent_on=decided_on,
                    submitted_by=self.clerk,
                ),
            )
        )
        item.state = kinds.CLOSED
        item.closed_on = decided_on
        plan["events"].append(
            (
                "decide_review",
                kinds.UNDER_REVIEW,
                kinds.CLOSED,
                decided_on,
                spec.reply_class_label(outcome),
            )
        )

    # -- writing ---------------------------------------------------------------------------------

    def bulk(self, model: Any, rows: list[Any]) -> None:
        """Insert the rows, and their historical rows (who: the clerk; when: now)."""
        model.objects.bulk_create(rows, batch_size=500)
        history = getattr(model, "history", None)
        if history is not None and rows:
            history.bulk_history_create(rows, batch_size=500, default_user=self.clerk)

    def flush(self) -> None:
        self.bulk(Item, self.items)
        for item, related in self.links:
            item.related_item = related
        Item.objects.bulk_update([item for item, _r in self.links], ["related_item"])
        Item.history.bulk_history_create(
            [item for item, _r in self.links], batch_size=500, update=True, default_user=self.clerk
        )
        originators: list[ItemOriginator] = []
        assignments: list[Assignment] = []
        for plan in self.plans:
            item = plan["item"]
            for o in plan.get("originators", []):
                o.item = item
                originators.append(o)
            for a in plan.get("assignments", []):
                a.item = item
                assignments.append(a)
        self.bulk(ItemOriginator, originators)
        self.bulk(Assignment, assignments)
        clocks: list[Clock] = []
        replies: list[Reply] = []
        evaluations: list[Evaluation] = []
        contacts: list[ContactRecord] = []
        logs: list[SupervisionLog] = []
        events: list[TimelineEvent] = []
        milestones: list[Milestone] = []
        reports: list[ProgressReport] = []
        actor = self.clerk
        for plan in self.plans:
            item = plan["item"]
            for m in plan.get("milestones", []):
                m.item = item
                milestones.append(m)
            for r in plan.get("progress", []):
                r.item = item
                reports.append(r)
            for c in plan.get("clocks", []):
                c.item = item
                clocks.append(c)
            for assignment, r in plan.get("replies", []):
                r.item, r.assignment = item, assignment
                replies.append(r)
            for e in plan.get("evaluations", []):
                e.item = item
                evaluations.append(e)
            for assignment, c in plan.get("contacts", []):
                c.item, c.assignment = item, assignment
                contacts.append(c)
            for log in plan.get("supervision", []):
                log.item = item
                logs.append(log)
            for action, before, after, day, note in plan["events"]:
                events.append(
                    TimelineEvent(
                        congress=self.congress,
                        item=item,
                        at=self.at(day),
                        actor=actor,
                        action=action,
                        from_state=before,
                        to_state=after,
                        note=note,
                    )
                )
        self.bulk(Clock, clocks)
        self.bulk(Reply, replies)
        self.bulk(Evaluation, evaluations)
        self.bulk(ContactRecord, contacts)
        self.bulk(SupervisionLog, logs)
        self.bulk(Milestone, milestones)
        self.bulk(ProgressReport, reports)
        TimelineEvent.objects.bulk_create(events, batch_size=500)  # the timeline keeps no history


def build(ctx: Any) -> None:
    Builder(ctx).build()


def build_handed_off(ctx: Any) -> None:
    """After the gatherings' follow-up (order 60): the decisions it handed to casework get
    their first milestones and, for one, a first progress report, through the services."""
    from sanxing.casework import services

    clerk = ctx.accounts.get("clerk")
    fresh = Item.objects.filter(
        congress=ctx.congress,
        kind=Kind.IMPLEMENTATION,
        origin_ref__startswith="gatherings.decision:",
        milestones__isnull=True,
    ).order_by("pk")
    for n, item in enumerate(fresh):
        if not item.is_open or not item.assignments.exists():
            continue
        start = item.registered_on or ctx.today
        for i, title in enumerate(MILESTONE_TITLES[:3]):
            services.milestone_add(
                item=item, title=title, due_on=start + dt.timedelta(days=30 * (i + 1)), by=clerk
            )
        if n == 0:
            services.progress_report(item=item, percent=5, text=PROGRESS_TEXTS[0], by=clerk)


if register is not None:
    register("casework", order=50, build=build)
    register("casework-implementation", order=70, build=build_handed_off)
