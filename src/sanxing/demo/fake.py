"""Fictional personal data that looks real: Chinese names, dates of birth, mobiles and
resident ID numbers with a correct check digit (GB 11643-1999) under a region code that
belongs to no real place (43 99 xx: province 43 has no city 99)."""

from __future__ import annotations

import datetime as dt
import random

# The common surnames, roughly in order of frequency (the first ones are drawn more often).
SURNAMES = (
    "王李張劉陳楊趙黃周吳徐孫胡朱高林何郭馬羅梁宋鄭謝韓唐馮于董蕭程曹袁鄧許傅沈曾彭呂"
    "蘇盧蔣蔡賈丁魏薛葉閻余潘杜戴夏鍾汪田任姜范方石姚譚廖鄒熊金陸郝孔白崔康毛邱秦江史顧"
    "侯邵孟龍萬段雷錢湯尹黎易常武喬賀賴龔文"
)
MALE_GIVEN = "偉強磊軍勇傑濤斌超明剛平輝鵬華飛鑫波寧健志建國宏海峰文博立新東亮俊林永成春浩"
FEMALE_GIVEN = "芳娜敏靜麗豔娟霞秀玲桂英紅梅琳潔蘭萍燕雪慧穎婷倩華丹玉瑩晶雲佳欣悅雯璐琴"

ETHNICITIES = ["漢族"] * 46 + ["回族", "滿族", "蒙古族", "土家族"]
PARTIES_DEPUTY = (
    ["中共黨員"] * 15
    + ["群眾"] * 3
    + ["民革黨員", "民盟盟員", "民建會員", "民進會員", "農工黨黨員", "致公黨黨員"]
    + ["九三學社社員", "無黨派人士"]
)

# The city's districts and counties: (name, region code for ID numbers).
REGION_PREFIX = "4399"
MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "158", "186", "187", "189")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return value[17] == id_check_digit(value[:17])


def id_number(rng: random.Random, *, region: str, birth_date: dt.date, gender: str) -> str:
    """An 18-digit resident ID: region, birth date, sequence (odd for men), check digit."""
    sequence = rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def birth_date(rng: random.Random, *, today: dt.date, min_age: int, max_age: int) -> dt.date:
    youngest = today.replace(year=today.year - min_age, month=1, day=1)
    span = (max_age - min_age) * 365
    return youngest - dt.timedelta(days=rng.randrange(span))


def gender(rng: random.Random, *, women: float = 0.35) -> str:
    return "F" if rng.random() < women else "M"


class NameMaker:
    """Draws unique full names; surnames weighted towards the common ones."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        n = len(SURNAMES)
        self._weights = [n - i + n // 3 for i in range(n)]

    def __call__(self, gender: str) -> str:
        chars = FEMALE_GIVEN if gender == "F" else MALE_GIVEN
        for _attempt in range(200):
            surname = self.rng.choices(SURNAMES, weights=self._weights)[0]
            size = 1 if self.rng.random() < 0.3 else 2
            name = surname + "".join(self.rng.choice(chars) for _ in range(size))
            if name not in self.used and len(set(name)) == len(name):
                self.used.add(name)
                return name
        raise RuntimeError("ran out of fictional names")  # pragma: no cover
