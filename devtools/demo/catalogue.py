"""The demo catalogue's rules and prices (seed_demo, and the bench's world): instrument categories with the everyday
words people search for, each category's booking rules and SME rates, the rate table derived from them, and the
opening-hour schedules. Plain data, no ORM. The instruments themselves are in devtools/demo/instruments.py.
"""

from datetime import date, time

RATES_VALID_FROM = date(2025, 4, 1)

# CATEGORIES and PROFILES are tables, one row per category: kept one row per line or two (ruff would give every
# field its own line and the table would no longer read across).
CATEGORIES = [
    ("sem", "走査電子顕微鏡", "Scanning electron microscope (SEM)",
     "表面観察 破断面 微細構造 形状 異物 元素分析 EDS 拡大 ミクロ 断面 めっき 割れ 傷 腐食"),
    ("tem", "透過電子顕微鏡", "Transmission electron microscope (TEM)",
     "原子像 ナノ粒子 結晶 格子 薄膜 断面 電子線回折 STEM 元素マッピング"),
    ("xrd", "X線回折装置", "X-ray diffractometer (XRD)",
     "結晶構造 結晶相 同定 残留応力 結晶化度 薄膜 配向 粉末"),
    ("nmr", "核磁気共鳴装置", "Nuclear magnetic resonance spectrometer (NMR)",
     "分子構造 有機物 構造決定 純度 組成 高分子 天然物"),
    ("icp-ms", "ICP質量分析装置", "ICP mass spectrometer (ICP-MS)",
     "微量 金属元素 定量 不純物 元素分析 ppb 重金属 RoHS 溶出 含有量 有害元素"),
    ("icp-oes", "ICP発光分光分析装置", "ICP optical emission spectrometer (ICP-OES)",
     "微量 金属元素 定量 不純物 元素分析 組成 合金 めっき液 含有量 排水"),
    ("ftir", "フーリエ変換赤外分光光度計", "Fourier-transform infrared spectrometer (FT-IR)",
     "赤外分光 有機物 同定 異物 官能基 樹脂 ゴム 付着物 変色 材質判定"),
    ("xct", "X線CT装置", "X-ray computed tomography (X-ray CT)",
     "内部構造 非破壊 空隙 欠陥 ボイド 鋳巣 三次元 寸法測定 はんだ 内部の割れ"),
    ("xps", "X線光電子分光装置", "X-ray photoelectron spectrometer (XPS)",
     "表面分析 化学状態 酸化 汚染 薄膜 深さ方向 密着不良"),
    ("gcms", "ガスクロマトグラフ質量分析計", "Gas chromatograph-mass spectrometer (GC-MS)",
     "におい 臭い 異臭 揮発成分 有機物 同定 定量 アウトガス 残留溶剤 香気"),
    ("thermal", "熱分析装置", "Thermal analyzer (DSC/TGA)",
     "熱分析 融点 ガラス転移 耐熱性 重量減少 分解温度 DSC TGA 比熱"),
    ("afm", "原子間力顕微鏡", "Atomic force microscope (AFM)",
     "表面粗さ ナノ 凹凸 膜厚 段差 三次元形状 摩擦"),
    ("raman", "ラマン分光装置", "Raman spectrometer",
     "結晶性 応力 カーボン グラフェン 異物 同定 顕微ラマン 非破壊"),
    ("tensile", "万能材料試験機", "Universal testing machine",
     "引張試験 強度 圧縮 曲げ 破断 伸び ヤング率 接着強度"),
    ("psd", "粒子径分布測定装置", "Particle size analyzer",
     "粒度分布 粒子径 粉体 スラリー 分散 凝集 レーザー回折"),
]  # fmt: skip  # table: one category a row

# Per category: modes offered, booking rules, and SME rates per mode (amount, unit).
# The other user categories derive from the SME rate (see rate_table).
PROFILES = {
    "sem": {"modes": ["self", "assisted"], "slot": 30, "min": 60, "max": 240, "lead": 24, "horizon": 60,
            "setup": 15, "cleanup": 15, "rates": {"self": (4500, "hour"), "assisted": (7500, "hour"),
                                                  "commissioned": (9000, "hour")}},
    "tem": {"modes": ["assisted", "commissioned"], "slot": 60, "min": 120, "max": 480, "lead": 72, "horizon": 90,
            "setup": 30, "cleanup": 0, "rates": {"assisted": (15000, "hour"), "commissioned": (20000, "hour")},
            "qual": False},
    "xrd": {"modes": ["self", "assisted", "commissioned"], "slot": 30, "min": 30, "max": 240, "lead": 24,
            "horizon": 60, "setup": 0, "cleanup": 15, "rates": {"self": (3000, "hour"), "assisted": (5500, "hour"),
                                                                "commissioned": (8000, "sample")}},
    "nmr": {"modes": ["self", "assisted"], "slot": 30, "min": 30, "max": 240, "lead": 24, "horizon": 30,
            "setup": 0, "cleanup": 0, "rates": {"self": (2500, "hour"), "assisted": (5000, "hour"),
                                                "commissioned": (6000, "sample")}},
    "icp-ms": {"modes": ["assisted", "commissioned"], "slot": 60, "min": 60, "max": 240, "lead": 48, "horizon": 60,
               "setup": 30, "cleanup": 30, "rates": {"assisted": (8000, "hour"), "commissioned": (6000, "sample")},
               "qual": False},
    "icp-oes": {"modes": ["assisted", "commissioned"], "slot": 60, "min": 60, "max": 240, "lead": 48,
                "horizon": 60, "setup": 30, "cleanup": 0, "rates": {"assisted": (6000, "hour"),
                                                                    "commissioned": (4000, "sample")},
                "qual": False},
    "ftir": {"modes": ["self", "assisted"], "slot": 30, "min": 30, "max": 180, "lead": 24, "horizon": 60,
             "setup": 0, "cleanup": 0, "rates": {"self": (1500, "hour"), "assisted": (3500, "hour")}, "qual": False},
    "xct": {"modes": ["assisted", "commissioned"], "slot": 60, "min": 120, "max": 480, "lead": 72, "horizon": 90,
            "setup": 30, "cleanup": 0, "rates": {"assisted": (12000, "hour"), "commissioned": (15000, "hour")},
            "qual": False},
    "xps": {"modes": ["assisted", "commissioned"], "slot": 60, "min": 120, "max": 480, "lead": 72, "horizon": 90,
            "setup": 0, "cleanup": 0, "rates": {"assisted": (14000, "hour"), "commissioned": (18000, "hour")},
            "qual": False},
    "gcms": {"modes": ["assisted", "commissioned"], "slot": 60, "min": 60, "max": 240, "lead": 48, "horizon": 60,
             "setup": 0, "cleanup": 30, "rates": {"assisted": (6000, "hour"), "commissioned": (7000, "sample")},
             "qual": False},
    "thermal": {"modes": ["self", "assisted"], "slot": 60, "min": 60, "max": 480, "lead": 24, "horizon": 60,
                "setup": 0, "cleanup": 0, "rates": {"self": (2000, "hour"), "assisted": (4000, "hour")}},
    "afm": {"modes": ["self", "assisted"], "slot": 30, "min": 60, "max": 180, "lead": 24, "horizon": 60,
            "setup": 15, "cleanup": 0, "rates": {"self": (3500, "hour"), "assisted": (6000, "hour")}},
    "raman": {"modes": ["self", "assisted"], "slot": 30, "min": 30, "max": 180, "lead": 24, "horizon": 60,
              "setup": 0, "cleanup": 0, "rates": {"self": (3000, "hour"), "assisted": (5500, "hour")}},
    "tensile": {"modes": ["self", "assisted", "commissioned"], "slot": 30, "min": 30, "max": 180, "lead": 24,
                "horizon": 60, "setup": 0, "cleanup": 15, "rates": {"self": (2500, "hour"),
                                                                    "assisted": (4500, "hour"),
                                                                    "commissioned": (3500, "sample")}},
    "psd": {"modes": ["self", "commissioned"], "slot": 30, "min": 30, "max": 120, "lead": 24, "horizon": 60,
            "setup": 0, "cleanup": 0, "rates": {"self": (1500, "hour"), "commissioned": (3000, "sample")},
            "qual": False},
}  # fmt: skip  # table: one category a row

# Multipliers of the SME rate: large > sme > academic >= internal.
RATE_FACTORS = {"internal": 0.4, "academic": 0.5, "sme": 1.0, "large": 2.0}


def rate_table(category_code: str, modes: list[str]) -> list[tuple[str, str, int, str]]:
    """(user category, mode, yen, unit) for every user category and every mode offered."""
    rows = []
    for mode in modes:
        sme_amount, unit = PROFILES[category_code]["rates"][mode]
        for user_category, factor in RATE_FACTORS.items():
            rows.append((user_category, mode, int(round(sme_amount * factor / 100.0)) * 100, unit))
    return rows


LUNCH = "lunch"  # Mon–Fri 09:00–12:00, 13:00–17:00
STRAIGHT = "straight"  # Mon–Fri 09:00–17:00
SATURDAY = "saturday"  # LUNCH and Saturday 09:00–12:00


def opening_hours(schedule: str) -> list[dict]:
    if schedule == STRAIGHT:
        return [{"weekday": d, "opens": time(9), "closes": time(17)} for d in range(5)]
    hours = []
    for d in range(5):
        hours += [
            {"weekday": d, "opens": time(9), "closes": time(12)},
            {"weekday": d, "opens": time(13), "closes": time(17)},
        ]
    if schedule == SATURDAY:
        hours.append({"weekday": 5, "opens": time(9), "closes": time(12)})
    return hours


# Public testing institutes keep straight hours; the rest close for lunch unless an instrument says otherwise.
SCHEDULE_BY_INSTITUTION = {"tiri": STRAIGHT, "saitec": STRAIGHT}

# Instruments (by model) whose manual also has a revised version 1.1.
REVISED_MANUALS = {"JSM-IT800", "SmartLab 9kW", "SU5000", "Xradia 520 Versa", "LA-960V2"}
