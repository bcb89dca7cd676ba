"""The demo congress: 示範市人民代表大會, a fictional prefecture-level city
(shared/domain/VOCABULARY.md). Its Standing Committee, deputies in delegations and groups,
special committees, the office's bodies and staff, the handling units and their handlers,
and one login per persona.

Rows are bulk-created with ``bulk_create_with_history`` so every person, organisation and
role has its "created" history record, as if entered through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from simple_history.utils import bulk_create_with_history

from sanxing.demo import fake
from sanxing.demo.registry import DEMO_CODE, DemoContext, register
from sanxing.people.models import Congress, Organisation, Person, Role, Term, User

K = Organisation.Kind
R = Role.Kind
BATCH = 500
CHANGE_REASON = "demo data"

CHINESE_NUMBERS = "〇一二三四五六七八九十"

# Terms are five years from January; the current one is the sixteenth (2022-01 → 2027-01).
CURRENT_TERM = 16
TERM_START_DAY = (1, 10)


def term_name(number: int) -> str:
    if number <= 10:
        return f"第{CHINESE_NUMBERS[number]}屆"
    tens, ones = divmod(number, 10)
    return (
        f"第{'' if tens == 1 else CHINESE_NUMBERS[tens]}十{CHINESE_NUMBERS[ones] if ones else ''}屆"
    )


def term_dates(number: int) -> tuple[dt.date, dt.date]:
    year = 2022 + (number - CURRENT_TERM) * 5
    starts = dt.date(year, *TERM_START_DAY)
    return starts, dt.date(year + 5, *TERM_START_DAY) - dt.timedelta(days=1)


def create_congress(*, today: dt.date) -> tuple[Congress, Term]:
    congress = Congress.objects.create(
        code=DEMO_CODE,
        name="示範市人民代表大會",
        short_name="示範市人大",
        level=Congress.Level.CITY,
    )
    starts, ends = term_dates(CURRENT_TERM)
    term = Term.objects.create(
        congress=congress,
        number=CURRENT_TERM,
        name=term_name(CURRENT_TERM),
        starts_on=starts,
        ends_on=ends,
    )
    return congress, term


@dataclass(frozen=True)
class Area:
    name: str  # 東城區
    region: str  # the last two digits of the region code
    deputies: int
    has_government: bool = True
    towns: tuple[str, ...] = ()


AREAS = (
    Area("東城區", "02", 70, towns=("東華街道", "新興街道", "和平街道", "建設街道")),
    Area("西城區", "03", 64, towns=("西關街道", "文化街道", "勝利街道", "長青街道")),
    Area("南湖區", "04", 60, towns=("南湖街道", "濱河街道", "望月街道")),
    Area("北山區", "05", 52, towns=("北山街道", "礦區街道", "紅旗街道")),
    Area("高新區", "71", 34, has_government=False, towns=("創新街道", "科學城街道")),
    Area("青河縣", "21", 62, towns=("青河鎮", "白沙鎮", "柳營鄉", "石門鎮")),
    Area("柳林縣", "22", 56, towns=("柳林鎮", "雙橋鎮", "東嶺鄉")),
    Area("石橋縣", "23", 40, towns=("石橋鎮", "龍泉鎮")),
)
PLA_DEPUTIES = 12  # 解放軍代表團

SPECIAL_COMMITTEES = (
    ("法制委員會", "law"),
    ("財政經濟委員會", "finance"),
    ("教育科學文化衛生委員會", "education"),
    ("環境與資源保護委員會", "environment"),
    ("社會建設委員會", "social"),
    ("監察和司法委員會", "judicial"),
    ("農業與農村委員會", "agriculture"),
    ("民族宗教僑務外事委員會", "ethnic"),
)

# The office's bodies: (name, code, parent code, number of staff).
OFFICE_BODIES = (
    ("辦公室", "office", None, 3),
    ("秘書科", "secretariat", "office", 6),
    ("綜合科", "general", "office", 5),
    ("信息科", "information", "office", 5),
    ("接待科", "reception", "office", 4),
    ("研究室", "research", None, 6),
    ("法制工作委員會", "legislative", None, 7),
    ("預算工作委員會", "budget", None, 6),
    ("代表工作委員會", "deputies", None, 7),
    ("信訪辦公室", "petitions", None, 6),
    ("機關事務管理科", "facilities", None, 4),
    ("機關學習領導小組辦公室", "learning", None, 3),
)

GOVERNMENT_DEPARTMENTS = (
    ("市政府辦公室", "gov-office"),
    ("市發展和改革委員會", "ndrc"),
    ("市教育局", "education"),
    ("市科學技術局", "science"),
    ("市工業和信息化局", "industry"),
    ("市公安局", "police"),
    ("市民政局", "civil-affairs"),
    ("市司法局", "justice"),
    ("市財政局", "finance"),
    ("市人力資源和社會保障局", "hr-social"),
    ("市自然資源和規劃局", "land"),
    ("市生態環境局", "environment"),
    ("市住房和城鄉建設局", "housing"),
    ("市城市管理和綜合執法局", "city-management"),
    ("市交通運輸局", "transport"),
    ("市水利局", "water"),
    ("市農業農村局", "agriculture"),
    ("市商務局", "commerce"),
    ("市文化廣電旅遊局", "culture"),
    ("市衛生健康委員會", "health"),
    ("市退役軍人事務局", "veterans"),
    ("市應急管理局", "emergency"),
    ("市審計局", "audit"),
    ("市國有資產監督管理委員會", "sasac"),
    ("市市場監督管理局", "market"),
    ("市體育局", "sport"),
    ("市統計局", "statistics"),
    ("市醫療保障局", "medical-insurance"),
    ("市信訪局", "petitions"),
    ("市數據局", "data"),
)
OTHER_UNITS = (
    ("示範市監察委員會", "supervision"),
    ("示範市中級人民法院", "court"),
    ("示範市人民檢察院", "procuratorate"),
    ("國家稅務總局示範市稅務局", "tax"),
    ("國網示範供電公司", "power"),
    ("示範市自來水有限公司", "water-supply"),
)

COMPANIES = (
    "示範鋼鐵集團有限公司",
    "青河食品股份有限公司",
    "東方電子科技有限公司",
    "金穗農業發展有限公司",
    "華遠建設集團有限公司",
    "新城物業服務有限公司",
    "恒通物流有限公司",
    "示範市公共交通集團有限公司",
    "南湖紡織有限公司",
    "北山煤業有限責任公司",
    "高新區智能裝備有限公司",
    "示範農村商業銀行",
)
INSTITUTIONS = (
    ("示範市第一人民醫院", ("院長", "主任醫師", "護士長", "副主任醫師")),
    ("示範市中醫院", ("院長", "主任醫師")),
    ("示範市第一中學", ("校長", "教師", "高級教師")),
    ("示範市實驗小學", ("校長", "教師")),
    ("示範大學", ("教授", "副校長", "副教授")),
    ("示範職業技術學院", ("院長", "教授")),
    ("示範律師事務所", ("主任", "律師")),
    ("示範市科學技術協會", ("副主席",)),
)
COMPANY_POSTS = ("董事長", "總經理", "工會主席", "車間主任", "工人", "技術員", "黨委書記")
VILLAGES = ("新村", "李家莊", "王莊", "河口村", "楊柳村", "東坡村", "石灣村", "前進村")
STAFF_POSTS = ("一級主任科員", "二級主任科員", "四級主任科員", "一級科員", "科員")


class PeopleBuilder:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.names = fake.NameMaker(ctx.rng)
        self.congress = ctx.congress
        self.today = ctx.today
        self.persons: list[Person] = []
        self.roles: list[Role] = []
        # A term's deputies, shuffled: the term before it draws its returning deputies here.
        self.carried: list[tuple[Person, Area | None]] = []

    # -- rows -----------------------------------------------------------------------------

    def person(
        self,
        *,
        workplace: str,
        min_age: int = 30,
        max_age: int = 58,
        women: float = 0.35,
        region: str | None = None,
        party: str | None = None,
        public: bool = False,
        email: str = "",
    ) -> Person:
        rng = self.rng
        gender = fake.gender(rng, women=women)
        born = fake.birth_date(rng, today=self.today, min_age=min_age, max_age=max_age)
        region_code = fake.REGION_PREFIX + (region or rng.choice([a.region for a in AREAS]))
        person = Person(
            congress=self.congress,
            name=self.names(gender),
            gender=gender,
            birth_date=born,
            ethnicity=rng.choice(fake.ETHNICITIES),
            party=party or rng.choice(fake.PARTIES_DEPUTY),
            workplace=workplace,
            mobile=fake.mobile(rng),
            email=email,
            id_number=fake.id_number(rng, region=region_code, birth_date=born, gender=gender),
            is_public=public,
        )
        self.persons.append(person)
        return person

    def role(
        self,
        person: Person,
        organisation: Organisation,
        kind: str,
        *,
        starts_on: dt.date,
        ends_on: dt.date | None = None,
        term: Term | None = None,
        title: str = "",
    ) -> Role:
        role = Role(
            person=person,
            organisation=organisation,
            kind=kind,
            term=term,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        self.roles.append(role)
        return role

    def organisations(self, rows: list[Organisation]) -> list[Organisation]:
        return bulk_create_with_history(
            rows, Organisation, batch_size=BATCH, default_change_reason=CHANGE_REASON
        )

    def org(
        self,
        kind: str,
        name: str,
        code: str = "",
        parent: Organisation | None = None,
        order: int = 0,
        **extra: str,
    ) -> Organisation:
        return Organisation(
            congress=self.congress,
            kind=kind,
            name=name,
            code=code,
            parent=parent,
            sort_order=order,
            **extra,
        )

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    # -- the congress side ----------------------------------------------------------------

    def build(self) -> None:
        ctx = self.ctx
        rng = self.rng
        ctx.log("    organisations")
        committee = self.org(
            K.STANDING_COMMITTEE, "示範市人大常委會", "committee", short_name="常委會"
        )
        directors = self.org(K.DIRECTORS_MEETING, "主任會議", "directors")
        specials = [
            self.org(K.SPECIAL_COMMITTEE, name, code, order=i)
            for i, (name, code) in enumerate(SPECIAL_COMMITTEES)
        ]
        self.organisations([committee, directors, *specials])

        bodies: dict[str, Organisation] = {}
        for parents_pass in (False, True):
            batch = []
            for i, (name, code, parent, _size) in enumerate(OFFICE_BODIES):
                if (parent is not None) != parents_pass:
                    continue
                body = self.org(
                    K.OFFICE_BODY,
                    name,
                    code,
                    parent=bodies.get(parent) if parent else None,
                    order=i,
                    phone=f"0999-8{rng.randrange(1000000):06d}",
                )
                bodies[code] = body
                batch.append(body)
            self.organisations(batch)

        delegations = [
            self.org(K.DELEGATION, f"示範市{area.name}代表團", f"d-{area.region}", order=i)
            for i, area in enumerate(AREAS)
        ]
        pla = self.org(K.DELEGATION, "解放軍代表團", "d-pla", order=len(AREAS))
        self.organisations([*delegations, pla])
        groups: dict[str, list[Organisation]] = {}
        group_rows = []
        for area, delegation in zip(AREAS, delegations, strict=True):
            groups[area.name] = [
                self.org(
                    K.DEPUTY_GROUP,
                    f"{area.name}{town}代表小組",
                    parent=delegation,
                    order=j,
                )
                for j, town in enumerate(area.towns)
            ]
            group_rows += groups[area.name]
        self.organisations(group_rows)

        government = self.org(K.HANDLING_UNIT, "示範市人民政府", "gov", short_name="市政府")
        self.organisations([government])
        units = [
            self.org(
                K.HANDLING_UNIT,
                name,
                code,
                parent=government,
                order=i,
                email=f"{code}@units.shifan.example",
                phone=f"0999-6{rng.randrange(1000000):06d}",
            )
            for i, (name, code) in enumerate(GOVERNMENT_DEPARTMENTS, start=1)
        ]
        units += [
            self.org(K.HANDLING_UNIT, name, code, order=100 + i)
            for i, (name, code) in enumerate(OTHER_UNITS)
        ]
        units += [
            self.org(K.HANDLING_UNIT, f"{area.name}人民政府", f"gov-{area.region}", order=200 + i)
            for i, area in enumerate(AREAS)
            if area.has_government
        ]
        self.organisations(units)
        all_units = [government, *units]

        term = ctx.term
        terms = [term, *self.previous_terms()]

        ctx.log("    deputies and the Standing Committee")
        personas: dict[str, Person] = {}
        for number, this_term in enumerate(terms):
            self.deputies_for_term(
                this_term,
                delegations=delegations,
                pla=pla,
                groups=groups,
                committee=committee,
                directors=directors,
                specials=specials,
                personas=personas if number == 0 else None,
            )

        ctx.log("    the office's staff")
        self.staff(bodies, personas)
        ctx.log("    handling units and their handlers")
        self.handlers(all_units, personas)

        ctx.log(f"    saving {len(self.persons)} persons and {len(self.roles)} roles")
        bulk_create_with_history(
            self.persons, Person, batch_size=BATCH, default_change_reason=CHANGE_REASON
        )
        for role in self.roles:
            role.person_id = role.person.pk
        bulk_create_with_history(
            self.roles, Role, batch_size=BATCH, default_change_reason=CHANGE_REASON
        )
        self.accounts(personas)

        ctx.shared.update(
            committee=committee,
            directors_meeting=directors,
            special_committees=specials,
            office_bodies=bodies,
            delegations=[*delegations, pla],
            deputy_groups=group_rows,
            government=government,
            units=all_units,
            terms=terms,
        )

    def previous_terms(self) -> list[Term]:
        """Earlier terms, enough to cover ``scale`` years back from today."""
        start, _ = term_dates(CURRENT_TERM)
        years_back = self.ctx.scale - (self.today - start).days / 365.25
        made: list[Term] = []
        number = CURRENT_TERM - 1
        while years_back > 0 and number > 0:
            starts, ends = term_dates(number)
            made.append(
                Term.objects.create(
                    congress=self.congress,
                    number=number,
                    name=term_name(number),
                    starts_on=starts,
                    ends_on=ends,
                )
            )
            years_back -= 5
            number -= 1
        return made

    def deputy_workplace(self, area: Area | None) -> tuple[str, int, int]:
        """A workplace and an age range for a deputy of ``area``."""
        rng = self.rng
        where = area.name if area else "示範市"
        roll = rng.random()
        if area is None:
            return f"解放軍駐示範市某部{rng.choice(('政治委員', '部隊長', '參謀長'))}", 35, 55
        if roll < 0.25:
            post = (
                rng.choice(("區長", "副區長")) if "區" in where else rng.choice(("縣長", "副縣長"))
            )
            if rng.random() < 0.5:
                town = rng.choice(area.towns)
                office = "辦事處主任" if town.endswith("街道") else "黨委書記"
                return f"{where}{town}{office}", 38, 56
            return f"{where}人民政府{post}", 42, 58
        if roll < 0.5:
            company = rng.choice(COMPANIES)
            return f"{company}{rng.choice(COMPANY_POSTS)}", 28, 60
        if roll < 0.75:
            place, posts = rng.choice(INSTITUTIONS)
            return f"{place}{rng.choice(posts)}", 30, 60
        town = rng.choice(area.towns)
        if town.endswith(("鎮", "鄉")):
            village = rng.choice(VILLAGES)
            return f"{where}{town}{village}黨支部書記、村委會主任", 35, 60
        return f"{where}{town}社區黨委書記、居委會主任", 32, 58

    def deputies_for_term(
        self,
        term: Term,
        *,
        delegations: list[Organisation],
        pla: Organisation,
        groups: dict[str, list[Organisation]],
        committee: Organisation,
        directors: Organisation,
        specials: list[Organisation],
        personas: dict[str, Person] | None,
    ) -> None:
        rng = self.rng
        starts = term.starts_on
        ends = term.ends_on
        current = personas is not None
        # Roles of a past term end with it; the current term's stay open.
        role_end = None if current else ends
        carried = self.carried
        seats: list[tuple[Area | None, Organisation]] = []
        for each_area, delegation in zip(AREAS, delegations, strict=True):
            seats += [(each_area, delegation)] * each_area.deputies
        seats += [(None, pla)] * PLA_DEPUTIES

        deputies: list[tuple[Person, Area | None]] = []
        for area, delegation in seats:
            # About a third of a term's deputies served in the following one too.
            if carried and rng.random() < 0.35:
                person, _old_area = carried.pop()
            else:
                workplace, low, high = self.deputy_workplace(area)
                person = self.person(
                    workplace=workplace,
                    min_age=low,
                    max_age=high,
                    region=area.region if area else None,
                    women=0.1 if area is None else 0.33,
                    public=True,
                )
            deputies.append((person, area))
            self.role(person, delegation, R.DEPUTY, starts_on=starts, ends_on=role_end, term=term)
            if area is not None and area.towns:
                group = rng.choice(groups[area.name])
                self.role(person, group, R.DEPUTY, starts_on=starts, ends_on=role_end, term=term)
        if current:
            # Some seats changed hands during the term: a deputy left, a by-election filled it.
            for _ in range(8):
                seat = rng.choice(AREAS)
                delegation = delegations[AREAS.index(seat)]
                left_on = self.day_between(starts + dt.timedelta(days=200), self.today)
                workplace, low, high = self.deputy_workplace(seat)
                person = self.person(
                    workplace=workplace, min_age=low, max_age=high, region=seat.region, public=True
                )
                self.role(
                    person, delegation, R.DEPUTY, starts_on=starts, ends_on=left_on, term=term
                )

        # The Standing Committee is elected from the deputies (地方組織法).
        civilians = [d for d in deputies if d[1] is not None]
        members = rng.sample(civilians, 40)
        leaders = [
            (R.DIRECTOR, "主任"),
            *[(R.DEPUTY_DIRECTOR, "副主任")] * 6,
            (R.SECRETARY_GENERAL, "秘書長"),
        ]
        for index, (person, _area) in enumerate(members):
            if index < len(leaders):
                kind, title = leaders[index]
                self.role(person, directors, kind, starts_on=starts, ends_on=role_end, term=term)
                if current:
                    # Full-time leaders of the committee, in their fifties.
                    person.workplace = f"示範市人大常委會{title}"
                    person.birth_date = fake.birth_date(
                        rng, today=self.today, min_age=52, max_age=60
                    )
                    person.id_number = fake.id_number(
                        rng,
                        region=person.id_number[:6],
                        birth_date=person.birth_date,
                        gender=person.gender,
                    )
            else:
                kind, title = R.COMMITTEE_MEMBER, "委員"
            self.role(
                person, committee, kind, starts_on=starts, ends_on=role_end, term=term, title=title
            )
        # Special committees: a chair, two vice-chairs and members from the Standing Committee.
        pool = [p for p, _a in members[1:]]
        rng.shuffle(pool)
        for i, special in enumerate(specials):
            chunk = pool[i * 4 : i * 4 + 4] or rng.sample(pool, 4)
            for j, person in enumerate(chunk):
                title = "主任委員" if j == 0 else "副主任委員" if j < 3 else "委員"
                self.role(
                    person,
                    special,
                    R.COMMITTEE_MEMBER,
                    starts_on=starts,
                    ends_on=role_end,
                    term=term,
                    title=title,
                )
        if personas is not None:
            personas["director"] = members[0][0]
            personas["member"] = members[10][0]
            member_ids = {id(p) for p, _a in members}
            personas["deputy"] = next(
                p
                for p, area in deputies
                if area is not None and area.name == "東城區" and id(p) not in member_ids
            )
        self.carried = list(deputies)
        rng.shuffle(self.carried)

    # -- the office and the units ---------------------------------------------------------

    def staff(self, bodies: dict[str, Organisation], personas: dict[str, Person]) -> None:
        rng = self.rng
        earliest = self.today - dt.timedelta(days=int(365.25 * max(self.ctx.scale, 8)))
        for name, code, parent, size in OFFICE_BODIES:
            body = bodies[code]
            full = f"{bodies[parent].name}{name}" if parent else name
            for n in range(size):
                head = n == 0
                if head:
                    post = "科長" if name.endswith("科") else "主任"
                else:
                    post = rng.choice(STAFF_POSTS)
                person = self.person(
                    workplace=f"示範市人大常委會{full}{post}",
                    min_age=40 if head else 24,
                    max_age=58 if head else 50,
                    women=0.5,
                    party="中共黨員" if head or rng.random() < 0.8 else "群眾",
                    email=f"{code}{n + 1}@rd.shifan.example",
                )
                since = self.day_between(earliest, self.today - dt.timedelta(days=30))
                self.role(person, body, R.HEAD if head else R.STAFF, starts_on=since, title=post)
                if code == "secretariat" and n == 1:
                    personas["clerk"] = person
                if code == "learning" and n == 1:
                    personas["learning"] = person
                if code == "information" and n == 1:
                    personas["admin"] = person
        # Staff who moved on over the years (about three a year).
        codes = [code for _n, code, _p, _s in OFFICE_BODIES]
        for _ in range(3 * self.ctx.scale):
            body = bodies[rng.choice(codes)]
            since = self.day_between(earliest - dt.timedelta(days=2000), earliest)
            left = self.day_between(since + dt.timedelta(days=365), self.today)
            person = self.person(
                workplace=f"示範市人大常委會{body.name}（已調離）",
                min_age=26,
                max_age=55,
                women=0.5,
                party="中共黨員",
            )
            self.role(person, body, R.STAFF, starts_on=since, ends_on=left)

    def handlers(self, units: list[Organisation], personas: dict[str, Person]) -> None:
        rng = self.rng
        earliest = self.today - dt.timedelta(days=int(365.25 * max(self.ctx.scale, 6)))
        for unit in units:
            head = self.person(
                workplace=f"{unit.name}主要負責人", min_age=45, max_age=58, party="中共黨員"
            )
            self.role(head, unit, R.UNIT_HEAD, starts_on=self.day_between(earliest, self.today))
            for n in range(rng.choice((1, 2, 2, 3))):
                person = self.person(
                    workplace=f"{unit.name}{rng.choice(('辦公室', '綜合科', '政策法規科'))}",
                    min_age=25,
                    max_age=50,
                    women=0.5,
                    party="中共黨員" if rng.random() < 0.7 else "群眾",
                    email=f"{unit.code}.{n + 1}@units.shifan.example",
                )
                since = self.day_between(earliest, self.today - dt.timedelta(days=15))
                self.role(person, unit, R.HANDLER, starts_on=since, title="承辦人")
                if unit.code == "education" and n == 0:
                    personas["handler"] = person
            # Handlers change every few years.
            for _ in range(self.ctx.scale // 3):
                since = self.day_between(earliest - dt.timedelta(days=1500), earliest)
                left = self.day_between(since + dt.timedelta(days=300), self.today)
                person = self.person(workplace=f"{unit.name}（原承辦人）", min_age=25, max_age=50)
                self.role(person, unit, R.HANDLER, starts_on=since, ends_on=left)

    # -- logins ---------------------------------------------------------------------------

    def accounts(self, personas: dict[str, Person]) -> None:
        # One hash for every demo account: hashing is slow by design and they share a password.
        password = make_password(settings.DEMO_PASSWORD)
        users = []
        for username in PERSONAS:
            person = personas[username]
            users.append(
                User(
                    username=username,
                    password=password,
                    person=person,
                    congress=self.congress,
                    email=f"{username}@shifan.example",
                    first_name=person.name,
                    is_superuser=username == "admin",
                    is_staff=username == "admin",
                )
            )
        User.objects.bulk_create(users)
        self.ctx.accounts.update(
            {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
        )


# The demo's logins, in the order the accounts table lists them.
PERSONAS = ("admin", "clerk", "learning", "director", "member", "deputy", "handler")


@register("people", order=10)
def build(ctx: DemoContext) -> None:
    PeopleBuilder(ctx).build()
