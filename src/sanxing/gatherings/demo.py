"""The demo congress's meetings: the current term's committee meetings (six a year) with
real-looking agendas, a directors' meeting before each, the congress session of each year
with its ~450 deputies, inspections, attendance with leaves and absences, and votes —
including the close cases the law makes interesting:

- a motion carried by a majority of those present that still FAILS, because it lacks more
  than half of ALL members (地方組織法 Art. 51);
- an extraordinary committee meeting today that cannot sit for want of quorum (its vote
  is open and cannot be closed).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from simple_history.utils import bulk_create_with_history

from sanxing.demo.registry import DemoContext, register
from sanxing.gatherings import services
from sanxing.gatherings.kinds import (
    COMMITTEE_MEETING,
    CONGRESS_SESSION,
    DIRECTORS_MEETING,
    INSPECTION,
    INSPECTION_VISIT,
)
from sanxing.gatherings.models import (
    AgendaItem,
    Attendance,
    Ballot,
    ChecklistTask,
    Gathering,
    LeaveRequest,
    RosterEntry,
    Vote,
)

REASON = "demo"
DIGITS = "〇一二三四五六七八九"

REPORT_SUBJECTS = (
    "全市義務教育優質均衡發展",
    "生態環境狀況和環境保護目標完成",
    "食品安全工作",
    "養老服務體系建設",
    "優化營商環境工作",
    "國有資產管理",
    "本級預算執行和其他財政收支的審計工作",
    "農村人居環境整治",
    "安全生產工作",
    "住房保障工作",
    "公共法律服務體系建設",
    "中小學生心理健康工作",
)
REGULATIONS = (
    "物業管理",
    "城市綠化",
    "文明行為促進",
    "歷史文化名城保護",
    "養犬管理",
    "電動自行車管理",
    "河道管理",
    "消防",
    "公園管理",
    "生活垃圾分類管理",
)
INSPECTED_LAWS = (
    "《中華人民共和國食品安全法》",
    "《中華人民共和國水污染防治法》",
    "《中華人民共和國安全生產法》",
)
LEAVE_REASONS = ("因公出差", "參加上級會議", "病假", "出國訪問", "家中有事")


def timezone_date(value: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return value.astimezone(tz).date()


def cn(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三, 30 → 三十 (enough for sittings)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


class GatheringsDemo:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.congress = ctx.congress
        self.term = ctx.term
        self.tz = zoneinfo.ZoneInfo(ctx.congress.time_zone)
        self.clerk = ctx.accounts.get("clerk")
        # "Past" is judged against 08:00 on the demo day, so a demo built for a date is
        # the same whenever it is built.
        self.now = self.at(ctx.today, 8)
        shared = ctx.shared
        self.government = shared.get("government")
        self.directors_org = shared.get("directors_meeting")
        self.specials = {s.name: s for s in shared.get("special_committees", [])}
        self.votes_failed_for_all_members: list[Vote] = []

    # -- helpers --------------------------------------------------------------------------

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def weekday_on_or_after(self, day: dt.date) -> dt.date:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return day

    def plan(
        self,
        kind: str,
        title: str,
        starts: dt.datetime,
        ends: dt.datetime,
        place: str,
        sitting: int | None,
    ) -> Gathering:
        past = ends < self.now
        g = services.gathering_plan(
            congress=self.congress,
            kind=kind,
            title=title,
            starts_at=starts,
            ends_at=ends,
            place=place,
            sitting=sitting,
            term=self.term,
            by=self.clerk,
        )
        services.roster_build(gathering=g, by=self.clerk)
        tasks = services.checklist_generate(gathering=g, by=self.clerk)
        if past:
            ChecklistTask.objects.filter(pk__in=[t.pk for t in tasks]).update(
                done_at=starts - dt.timedelta(days=1), done_by=self.clerk
            )
        return g

    def item(
        self, g: Gathering, title: str, kind: str, presenting: Any = None, special: Any = None
    ) -> AgendaItem:
        item = services.agenda_item_add(
            gathering=g,
            title=title,
            kind=kind,
            presenting_body=presenting,
            responsible_committee=special,
            by=self.clerk,
        )
        if g.ends_at < self.now:
            item.state = AgendaItem.State.CONSIDERED
            item.save(update_fields=["state"])
        return item

    def attend(
        self,
        g: Gathering,
        *,
        leave: int,
        absent: int,
        late: int = 0,
        present_only: int | None = None,
    ) -> set[int]:
        """Record attendance for the voting members (and everyone else present): ``leave``
        with approved requests made two days before, ``absent``, ``late``; the rest present.
        ``present_only`` caps the voting members present (for the no-quorum case)."""
        entries = list(g.roster.order_by("person_id"))
        voting = [e.person_id for e in entries if e.capacity == RosterEntry.Capacity.VOTING_MEMBER]
        others = [e.person_id for e in entries if e.capacity != RosterEntry.Capacity.VOTING_MEMBER]
        self.rng.shuffle(voting)
        on_leave = voting[:leave]
        missing = voting[leave : leave + absent]
        rest = voting[leave + absent :]
        if present_only is not None:
            missing += rest[present_only:]
            rest = rest[:present_only]
        late_ids = set(rest[:late])
        requested = g.starts_at - dt.timedelta(days=2)
        bulk_create_with_history(
            [
                LeaveRequest(
                    congress=self.congress,
                    gathering=g,
                    person_id=pid,
                    reason=self.rng.choice(LEAVE_REASONS),
                    requested_at=requested,
                    status=LeaveRequest.Status.APPROVED,
                    approved_by=self.clerk,
                    decided_at=requested + dt.timedelta(hours=3),
                )
                for pid in on_leave
            ],
            LeaveRequest,
            default_user=self.clerk,
            default_change_reason=REASON,
        )
        rows = []

        def row(pid: int, status: str, method: str, when: dt.datetime) -> None:
            rows.append(
                Attendance(
                    congress=self.congress,
                    gathering=g,
                    person_id=pid,
                    status=status,
                    weight=Attendance.WEIGHTS[Attendance.Status(status)],
                    method=method,
                    recorded_by=self.clerk,
                    at=when,
                )
            )

        for pid in on_leave:
            row(pid, "leave", "manual", requested + dt.timedelta(hours=3))
        for pid in missing:
            row(pid, "absent", "roll_call", g.starts_at + dt.timedelta(minutes=10))
        for pid in rest:
            method = self.rng.choice(("qr", "qr", "roll_call"))
            if pid in late_ids:
                row(pid, "late", method, g.starts_at + dt.timedelta(minutes=25))
            else:
                row(
                    pid,
                    "present",
                    method,
                    g.starts_at - dt.timedelta(minutes=self.rng.randrange(1, 30)),
                )
        for pid in others:
            row(pid, "present", "roll_call", g.starts_at - dt.timedelta(minutes=5))
        bulk_create_with_history(
            rows, Attendance, batch_size=500, default_user=self.clerk, default_change_reason=REASON
        )
        return set(rest)

    def vote(
        self,
        item: AgendaItem,
        motion: str,
        present: set[int],
        *,
        minutes: int,
        no: int = 0,
        abstain: int = 0,
        silent: int = 0,
        close: bool = True,
    ) -> Vote:
        """A named vote: of those present, ``no`` against, ``abstain``, ``silent`` who do not
        press the button, the rest yes; closed by the law's rule."""
        g = item.gathering
        opened = g.starts_at + dt.timedelta(minutes=minutes)
        vote = services.vote_open(item=item, motion=motion, by=self.clerk, at=opened)
        if not close:
            return vote
        voters = sorted(present)
        self.rng.shuffle(voters)
        options = ["no"] * no + ["abstain"] * abstain + [None] * silent
        options += ["yes"] * (len(voters) - len(options))
        cast = opened + dt.timedelta(seconds=30)
        bulk_create_with_history(
            [
                Ballot(
                    congress=self.congress,
                    vote=vote,
                    person_id=pid,
                    option=option,
                    cast_at=cast,
                    recorded_by=self.clerk,
                )
                for pid, option in zip(voters, options, strict=True)
                if option is not None
            ],
            Ballot,
            batch_size=500,
            default_user=self.clerk,
            default_change_reason=REASON,
        )
        return services.vote_close(vote=vote, by=self.clerk, at=opened + dt.timedelta(minutes=1))

    # -- the meetings ---------------------------------------------------------------------

    def build(self) -> None:
        today = self.ctx.today
        first_year = max(self.term.starts_on.year, today.year - self.ctx.scale + 1)
        counts = {"meetings": 0, "votes": 0}
        last_past_committee: Gathering | None = None
        extraordinary_sitting = 1
        for year in range(first_year, today.year + 1):
            offset = year - self.term.starts_on.year
            self.congress_session(year, offset + 1)
            for i, month in enumerate((2, 4, 6, 8, 10, 12)):
                day = self.weekday_on_or_after(dt.date(year, month, 24))
                # Sittings run by date: today's extraordinary meeting takes the number after
                # the regular meetings held before it, the later ones move up by one.
                sitting = offset * 6 + i + 1
                if day > today:
                    sitting += 1
                else:
                    extraordinary_sitting = sitting + 1
                self.directors_meeting(day, offset * 6 + i + 1, sitting)
                g = self.committee_meeting(day, sitting, close_case=False)
                if g.ends_at < self.now:
                    last_past_committee = g
                counts["meetings"] += 2
            self.activities(year)
        if last_past_committee is not None:
            self.close_case(last_past_committee)
        self.no_quorum_today(today, extraordinary_sitting)
        self.ctx.shared["gatherings"] = {
            "failed_for_all_members": [v.pk for v in self.votes_failed_for_all_members],
            # its minutes, decisions and review opinion come after casework's demo (below)
            "follow_up": last_past_committee.pk if last_past_committee else None,
        }
        self.ctx.log(
            f"    {Gathering.objects.filter(congress=self.congress).count()} gatherings, "
            f"{Vote.objects.filter(congress=self.congress).count()} votes"
        )

    def congress_session(self, year: int, sitting: int) -> None:
        starts = self.weekday_on_or_after(dt.date(year, 1, 10))
        title = f"示範市{self.term.name}人民代表大會第{cn(sitting)}次會議"
        g = self.plan(
            CONGRESS_SESSION,
            title,
            self.at(starts, 9),
            self.at(starts + dt.timedelta(days=2), 17),
            "示範市人民會堂",
            sitting,
        )
        gov = self.government
        items = [
            self.item(g, "聽取和審議示範市人民政府工作報告", AgendaItem.Kind.REPORT, gov),
            self.item(
                g,
                f"審查和批准{year - 1}年國民經濟和社會發展計劃執行情況與{year}年計劃",
                AgendaItem.Kind.REPORT,
                gov,
            ),
            self.item(
                g,
                f"審查和批准{year - 1}年財政預算執行情況與{year}年財政預算",
                AgendaItem.Kind.REPORT,
                gov,
            ),
            self.item(
                g, "聽取和審議示範市人大常委會工作報告", AgendaItem.Kind.REPORT, self.directors_org
            ),
            self.item(g, "聽取和審議示範市中級人民法院工作報告", AgendaItem.Kind.REPORT),
            self.item(g, "聽取和審議示範市人民檢察院工作報告", AgendaItem.Kind.REPORT),
        ]
        self.session_items(g, year)
        if year == self.ctx.today.year:
            self.session_logistics(g)
        if g.ends_at >= self.now:
            return
        present = self.attend(
            g, leave=self.rng.randrange(8, 16), absent=self.rng.randrange(2, 6), late=4
        )
        for n, item in enumerate(items[:4]):
            self.vote(
                item,
                f"關於{item.title.removeprefix('聽取和審議').removeprefix('審查和批准')}的決議",
                present,
                minutes=60 * 24 * 2 + 30 + n * 5,
                no=self.rng.randrange(0, 8),
                abstain=self.rng.randrange(2, 15),
                silent=self.rng.randrange(0, 4),
            )
        services.gathering_set_status(gathering=g, status=Gathering.Status.HELD, by=self.clerk)
        services.gathering_publish_results(gathering=g, by=self.clerk)

    def directors_meeting(self, committee_day: dt.date, sitting: int, committee: int) -> None:
        day = committee_day - dt.timedelta(days=7)
        title = f"示範市{self.term.name}人大常委會第{cn(sitting)}次主任會議"
        g = self.plan(
            DIRECTORS_MEETING,
            title,
            self.at(day, 15),
            self.at(day, 17),
            "常委會第一會議室",
            sitting,
        )
        item = self.item(g, f"研究常委會第{cn(committee)}次會議議程草案", AgendaItem.Kind.OTHER)
        self.item(g, "研究代表議案的處理意見", AgendaItem.Kind.OTHER)
        if g.ends_at >= self.now:
            return
        present = self.attend(g, leave=self.rng.choice((0, 0, 1)), absent=0)
        self.vote(item, f"通過常委會第{cn(committee)}次會議議程草案", present, minutes=20)
        services.gathering_set_status(gathering=g, status=Gathering.Status.HELD, by=self.clerk)

    def committee_meeting(self, day: dt.date, sitting: int, *, close_case: bool) -> Gathering:
        title = f"示範市{self.term.name}人大常委會第{cn(sitting)}次會議"
        g = self.plan(
            COMMITTEE_MEETING, title, self.at(day, 9), self.at(day, 12), "常委會會議室", sitting
        )
        rng = self.rng
        gov = self.government
        law = self.specials.get("法制委員會")
        subjects = rng.sample(REPORT_SUBJECTS, 2)
        reports = [
            self.item(
                g,
                f"聽取和審議市人民政府關於{s}情況的報告",
                AgendaItem.Kind.REPORT,
                gov,
                rng.choice(list(self.specials.values()) or [None]),
            )
            for s in subjects
        ]
        regulation = self.item(
            g,
            f"審議《示範市{rng.choice(REGULATIONS)}條例（草案）》",
            AgendaItem.Kind.DRAFT_REGULATION,
            self.directors_org,
            law,
        )
        appointment = self.item(
            g, "審議人事任免事項", AgendaItem.Kind.APPOINTMENT, self.directors_org
        )
        if sitting % 3 == 0:
            self.item(
                g,
                f"對市人民政府{rng.choice(REPORT_SUBJECTS)}情況開展專題詢問",
                AgendaItem.Kind.INQUIRY,
                gov,
            )
        if g.ends_at >= self.now:
            return g
        present = self.attend(
            g, leave=rng.randrange(1, 4), absent=rng.randrange(0, 2), late=rng.randrange(0, 2)
        )
        self.vote(
            regulation,
            f"表決{regulation.title.removeprefix('審議')}",
            present,
            minutes=100,
            no=rng.randrange(0, 2),
            abstain=rng.randrange(0, 3),
        )
        self.vote(
            appointment, "表決人事任免名單", present, minutes=110, abstain=rng.randrange(0, 2)
        )
        for report in reports:
            report.state = AgendaItem.State.CONSIDERED
            report.save(update_fields=["state"])
        services.gathering_set_status(gathering=g, status=Gathering.Status.HELD, by=self.clerk)
        services.gathering_publish_results(gathering=g, by=self.clerk)
        return g

    def activities(self, year: int) -> None:
        for month, law in zip((5, 9), self.rng.sample(INSPECTED_LAWS, 2), strict=True):
            day = self.weekday_on_or_after(dt.date(year, month, 12))
            g = self.plan(
                INSPECTION,
                f"檢查{law}實施情況",
                self.at(day, 9),
                self.at(day + dt.timedelta(days=1), 17),
                "示範市各區",
                None,
            )
            if g.ends_at < self.now:
                self.attend(g, leave=0, absent=0)
                services.gathering_set_status(
                    gathering=g, status=Gathering.Status.HELD, by=self.clerk
                )
        day = self.weekday_on_or_after(dt.date(year, 11, 6))
        g = self.plan(
            INSPECTION_VISIT,
            "視察全市重點民生項目建設",
            self.at(day, 9),
            self.at(day, 17),
            "示範市東城區、西河區",
            None,
        )
        if g.ends_at < self.now:
            self.attend(g, leave=0, absent=0)
            services.gathering_set_status(gathering=g, status=Gathering.Status.HELD, by=self.clerk)

    # -- the session's agenda and logistics ------------------------------------------------

    SESSION_REGULATIONS = 6
    ELECTIONS = (
        "選舉示範市人民代表大會常務委員會副主任",
        "選舉示範市人民代表大會常務委員會委員",
        "選舉示範市人民政府副市長",
        "選舉示範市監察委員會主任",
        "選舉示範市中級人民法院院長",
        "選舉示範市人民檢察院檢察長",
    )
    RESOLUTIONS = (
        "關於示範市人民政府工作報告的決議",
        "關於國民經濟和社會發展計劃的決議",
        "關於財政預算的決議",
        "關於示範市人大常委會工作報告的決議",
        "關於示範市中級人民法院工作報告的決議",
        "關於示範市人民檢察院工作報告的決議",
        "關於設立示範市人民代表大會專門委員會的決定",
        "關於代表議案處理意見的決議",
        "關於示範市國民經濟和社會發展規劃綱要中期評估的決議",
        "關於批准示範市人民代表大會常務委員會立法規劃的決議",
        "關於接受代表辭去職務請求的決定",
        "本次會議選舉辦法",
    )

    def session_items(self, g: Gathering, year: int) -> None:
        """The rest of the session's thirty items: draft regulations, elections and
        resolutions, in one insert (numbered after the six reports)."""
        start = g.agenda_items.count()
        regulations = self.rng.sample(REGULATIONS, self.SESSION_REGULATIONS)
        rows = [
            (f"審議《示範市{r}條例（草案）》", AgendaItem.Kind.DRAFT_REGULATION, self.directors_org)
            for r in regulations
        ]
        rows += [(t, AgendaItem.Kind.APPOINTMENT, self.directors_org) for t in self.ELECTIONS]
        rows += [(t, AgendaItem.Kind.OTHER, self.directors_org) for t in self.RESOLUTIONS]
        state = AgendaItem.State.CONSIDERED if g.ends_at < self.now else AgendaItem.State.APPROVED
        bulk_create_with_history(
            [
                AgendaItem(
                    congress=self.congress,
                    gathering=g,
                    order=start + n + 1,
                    title=title,
                    kind=kind,
                    presenting_body=body,
                    state=state,
                )
                for n, (title, kind, body) in enumerate(rows)
            ],
            AgendaItem,
            default_user=self.clerk,
            default_change_reason=REASON,
        )

    def session_logistics(self, g: Gathering) -> None:
        """The session's rooms, hotel, meals, vehicles and supplies."""
        from sanxing.gatherings import logistics
        from sanxing.gatherings.models import Accommodation, DietaryNeed

        hall = logistics.room_add(
            congress=self.congress,
            name="示範市人民會堂大禮堂",
            capacity=600,
            seats_per_row=30,
            location="示範市人民會堂一樓",
            by=self.clerk,
        )
        small = logistics.room_add(
            congress=self.congress,
            name="示範市人民會堂第一分組會議室",
            capacity=60,
            seats_per_row=12,
            location="示範市人民會堂三樓",
            by=self.clerk,
        )
        logistics.room_book(gathering=g, room=hall, purpose="全體會議", by=self.clerk)
        first_day = timezone_date(g.starts_at, self.tz)
        logistics.room_book(
            gathering=g,
            room=small,
            starts_at=self.at(first_day + dt.timedelta(days=1), 9),
            ends_at=self.at(first_day + dt.timedelta(days=1), 12),
            purpose="代表團分組審議",
            by=self.clerk,
        )
        voting = list(
            g.roster.filter(capacity=RosterEntry.Capacity.VOTING_MEMBER)
            .order_by("person_id")
            .values_list("person_id", flat=True)
        )
        guests = voting[: min(60, len(voting))]
        last_day = timezone_date(g.ends_at, self.tz)
        bulk_create_with_history(
            [
                Accommodation(
                    congress=self.congress,
                    gathering=g,
                    person_id=pid,
                    hotel="示範市會議中心賓館",
                    check_in_on=first_day - dt.timedelta(days=1),
                    check_out_on=last_day + dt.timedelta(days=1),
                    room_number=f"{8 + n // 30}{n % 30 + 1:02d}",
                )
                for n, pid in enumerate(guests)
            ],
            Accommodation,
            default_user=self.clerk,
            default_change_reason=REASON,
        )
        day = first_day
        while day <= last_day:
            for kind in ("breakfast", "lunch", "dinner"):
                logistics.meal_add(
                    gathering=g, day=day, kind=kind, place="會議中心餐廳", extra=12, by=self.clerk
                )
            day += dt.timedelta(days=1)
        needs = ("halal", "vegetarian", "vegetarian", "no_pork", "allergy")
        bulk_create_with_history(
            [
                DietaryNeed(congress=self.congress, gathering=g, person_id=pid, need=need)
                for pid, need in zip(voting[60:65], needs, strict=False)
            ],
            DietaryNeed,
            default_user=self.clerk,
            default_change_reason=REASON,
        )
        bus = logistics.vehicle_add(
            gathering=g, plate="示A·12345", seats=45, driver="王師傅", by=self.clerk
        )
        logistics.vehicle_add(
            gathering=g, plate="示A·23456", seats=7, driver="李師傅", by=self.clerk
        )
        from sanxing.people.models import Person

        for pid in guests[:3]:
            logistics.pick_up_add(
                gathering=g,
                vehicle=bus,
                person=Person.objects.get(pk=pid),
                at=self.at(first_day - dt.timedelta(days=1), 15),
                from_place="示範市高鐵站",
                to_place="示範市會議中心賓館",
                by=self.clerk,
            )
        for title, kind, quantity in (
            ("代表證", "supply", len(voting)),
            ("會議文件袋", "purchase", len(voting) + 50),
            ("表決器", "supply", len(voting)),
            ("桌籤", "supply", len(voting)),
            ("礦泉水（箱）", "purchase", 80),
            ("應急藥箱", "supply", 4),
        ):
            logistics.supply_add(
                gathering=g, title=title, kind=kind, quantity=quantity, by=self.clerk
            )

    # -- follow-up of a committee meeting ---------------------------------------------------

    def follow_up(self, g: Gathering) -> None:
        """Minutes, decisions, remarks on a report and the review opinion compiled from them."""
        from sanxing.core.errors import BusinessError
        from sanxing.gatherings import followup

        items = list(g.agenda_items.order_by("order"))
        report = next((i for i in items if i.kind == AgendaItem.Kind.REPORT), None)
        regulation = next((i for i in items if i.kind == AgendaItem.Kind.DRAFT_REGULATION), None)
        minutes = followup.minutes_save(
            gathering=g,
            text="\n".join(
                [f"{g.title}紀要", ""]
                + [f"{n}. {i.title}：會議進行了審議。" for n, i in enumerate(items, 1)]
            ),
            by=self.clerk,
        )
        followup.minutes_approve(minutes=minutes, by=self.clerk)
        units = [u for u in self.ctx.shared.get("units", []) if u.congress_id == g.congress_id]
        lead = units[1:3] or ([self.government] if self.government else [])
        try:
            if regulation is not None:
                followup.decision_record(
                    gathering=g,
                    agenda_item=regulation,
                    text=f"會議決定，{regulation.title.removeprefix('審議')}經修改後提請下次會議表決。",
                    units=lead,
                    by=self.clerk,
                )
            followup.decision_record(
                gathering=g,
                kind="resolution",
                text="會議要求市人民政府及有關部門認真研究處理常委會組成人員的審議意見。",
                units=lead,
                by=self.clerk,
            )
        except BusinessError as exc:  # no implementation engine to receive them
            self.ctx.log(f"    decisions not handed off: {exc.message}")
        if report is None:
            return
        speakers = list(
            g.attendances.filter(status__in=Attendance.IN_ROOM)
            .select_related("person")
            .order_by("person_id")[:4]
        )
        texts = (
            "建議進一步加大財政投入，補齊短板。",
            "報告對存在問題分析不夠深入，建議細化整改措施和時間表。",
            "要加強部門協同，建立長效機制。",
            "建議將群眾滿意度納入考核指標。",
        )
        remarks = [
            followup.remark_add(
                item=report,
                person=a.person,
                text=text,
                at=g.starts_at + dt.timedelta(minutes=30 + 5 * n),
                by=self.clerk,
            )
            for n, (a, text) in enumerate(zip(speakers, texts, strict=False))
        ]
        if not remarks or not lead:
            return
        try:
            followup.review_opinion_compile(
                item=report,
                title=f"常委會組成人員對{report.title.removeprefix('聽取和審議')}的審議意見",
                units=lead,
                remarks=remarks,
                preface="現將常委會組成人員的審議意見整理如下，請研究處理。",
                by=self.clerk,
            )
        except BusinessError as exc:  # no engine receives review opinions
            self.ctx.log(f"    review opinion not handed off: {exc.message}")

    # -- the close cases -----------------------------------------------------------------

    def close_case(self, g: Gathering) -> None:
        """At the last committee meeting held, a late extra vote after many members left on
        leave: a majority of those present say yes, yet fewer than half of all members do."""
        body = len(services.voting_body_ids(g))
        required = body // 2 + 1
        in_room = set(
            Attendance.objects.filter(gathering=g, status__in=Attendance.IN_ROOM).values_list(
                "person_id", flat=True
            )
        )
        present = services.voting_body_ids(g) & in_room
        # Mark members away for the afternoon until just above the quorum.
        keep = required + 2
        leaving = sorted(present)[keep:]
        Attendance.objects.filter(gathering=g, person_id__in=leaving).update(
            status=Attendance.Status.LEAVE, weight=0
        )
        present -= set(leaving)
        item = AgendaItem.objects.create(
            congress=self.congress,
            gathering=g,
            order=99,
            title="審議關於加強全市河湖長制工作的決定（草案）",
            kind=AgendaItem.Kind.OTHER,
            presenting_body=self.directors_org,
            state=AgendaItem.State.CONSIDERED,
        )
        # yes = required - 2: more than no + abstain among those present, fewer than half of all.
        no, abstain = 1, len(present) - (required - 2) - 1
        vote = self.vote(
            item,
            "表決關於加強全市河湖長制工作的決定（草案）",
            present,
            minutes=170,
            no=no,
            abstain=abstain,
        )
        assert vote.result == Vote.Result.FAIL and vote.yes > vote.no + vote.abstain
        self.votes_failed_for_all_members.append(vote)
        self.ctx.log(
            f"    close case: {vote.yes} of {vote.present} present voted yes, "
            f"{vote.required} of {vote.body_size} needed → fail"
        )

    def no_quorum_today(self, today: dt.date, sitting: int) -> None:
        """An extraordinary committee meeting today, where too few members came; its sitting
        number follows the regular meetings held before today."""
        title = f"示範市{self.term.name}人大常委會第{cn(sitting)}次會議（臨時）"
        starts = self.at(today, 9)
        g = services.gathering_plan(
            congress=self.congress,
            kind=COMMITTEE_MEETING,
            title=title,
            starts_at=starts,
            ends_at=self.at(today, 18),
            place="常委會會議室",
            sitting=sitting,
            term=self.term,
            by=self.clerk,
        )
        services.roster_build(gathering=g, by=self.clerk)
        body = len(services.voting_body_ids(g))
        present = self.attend(g, leave=8, absent=0, present_only=body // 2 - 2)
        item = self.item(
            g,
            "審議關於召開示範市人民代表大會會議的決定（草案）",
            AgendaItem.Kind.OTHER,
            self.directors_org,
        )
        self.vote(
            item, "表決關於召開人民代表大會會議的決定（草案）", present, minutes=0, close=False
        )
        self.ctx.log(f"    no quorum today: {len(present)} of {body} members present")


@register("gatherings", order=30)
def build(ctx: DemoContext) -> None:
    GatheringsDemo(ctx).build()


@register("gatherings-follow-up", order=60)
def build_follow_up(ctx: DemoContext) -> None:
    """After casework's demo (order 50), so the decisions and the review opinion handed to it
    are numbered after its own items."""
    pk = ctx.shared.get("gatherings", {}).get("follow_up")
    if pk is not None:
        GatheringsDemo(ctx).follow_up(Gathering.objects.get(pk=pk))


@register("gatherings-templates", order=31)
def build_templates(ctx: DemoContext) -> None:
    """Two standard agendas the office plans its meetings from (issue 4)."""
    from sanxing.gatherings.meeting_templates import LineSpec, template_create

    shared = ctx.shared
    clerk = ctx.accounts.get("clerk")
    gov = shared.get("government")
    directors = shared.get("directors_meeting")
    specials = {s.name: s for s in shared.get("special_committees", [])}

    def pk(org: Any) -> int | None:
        return org.pk if org is not None else None

    law, finance = specials.get("法制委員會"), specials.get("財政經濟委員會")
    K = AgendaItem.Kind
    template_create(
        congress=ctx.congress,
        kind=COMMITTEE_MEETING,
        name="常委會會議（雙月例會）標準議程",
        description="每兩個月召開一次；法制講座安排在最後半天。",
        place="常委會會議室",
        start_time=dt.time(9, 0),
        duration_minutes=180,
        lines=[
            LineSpec("審議《示範市○○條例（草案）》", K.DRAFT_REGULATION, pk(directors), pk(law)),
            LineSpec("聽取和審議市人民政府關於○○工作情況的報告", K.REPORT, pk(gov), pk(finance)),
            LineSpec("審議人事任免事項", K.APPOINTMENT, pk(directors)),
        ],
        by=clerk,
    )
    template_create(
        congress=ctx.congress,
        kind=DIRECTORS_MEETING,
        name="主任會議（常委會會議前）標準議程",
        description="常委會會議前一週召開。",
        place="常委會第一會議室",
        start_time=dt.time(15, 0),
        duration_minutes=120,
        lines=[
            LineSpec("研究常委會會議議程草案", K.OTHER),
            LineSpec("研究代表議案的處理意見", K.OTHER),
            LineSpec("聽取常委會辦公室關於代表建議辦理情況的匯報", K.REPORT),
        ],
        by=clerk,
    )
