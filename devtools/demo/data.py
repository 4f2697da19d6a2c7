"""The content of the demo data set (seed_demo): plain data, no ORM.

Two consortia modelled on METI's industrial clusters (北海道IT・バイオクラスター and
TAMA地域ものづくりクラスター), their member institutions, instrument categories with the
everyday words people search for, instruments with real makers and models, companies and the
demo logins. Company names and corporate-number bodies are fictional.
"""

from datetime import date, time

JOINED_ON = date(2024, 4, 1)
RATES_VALID_FROM = date(2025, 4, 1)
DEFAULT_PASSWORD = "kyoyo-demo"

CONSORTIA = [
    {
        "slug": "hokkaido",
        "name": "北海道IT・バイオ分析機器共用協議会",
        "name_en": "Hokkaido IT & Bio Analytical Instrument Sharing Consortium",
        "region": "北海道",
        "prefectures": ["北海道"],
        "description": (
            "北海道IT・バイオクラスターを母体に、道内の大学・高専・公設試・産総研が保有する分析機器を"
            "道内企業に開放する運営協議会です。技術相談から適切な機関・機器の紹介までワンストップで対応します。"
        ),
        "contact_email": "hokkaido-office@example.jp",
    },
    {
        "slug": "tama",
        "name": "TAMA地域ものづくり分析機器共用協議会",
        "name_en": "TAMA Region Manufacturing Analytical Instrument Sharing Consortium",
        "region": "TAMA地域（東京都多摩地域・神奈川県中央部・埼玉県南西部）",
        "prefectures": ["東京都", "神奈川県", "埼玉県"],
        "description": (
            "TAMA地域ものづくりクラスターの中小企業を中心に、首都圏西部の大学・高専・公設試が保有する"
            "評価・分析機器を共同利用に供する運営協議会です。"
        ),
        "contact_email": "tama-office@example.jp",
    },
]

# key: (fields, [(consortium slug, joined_on)]). "aist" is in both consortia (広域連携).
INSTITUTIONS = {
    "aist": (
        {
            "name": "国立研究開発法人産業技術総合研究所",
            "name_en": "National Institute of Advanced Industrial Science and Technology (AIST)",
            "kind": "national_lab",
            "prefecture": "茨城県",
            "address": "茨城県つくば市",
            "website": "https://www.aist.go.jp/",
            "contact_email": "aist-kyoyo@example.jp",
        },
        [("hokkaido", JOINED_ON), ("tama", date(2024, 10, 1))],
    ),
    "hokudai": (
        {
            "name": "北海道大学",
            "name_en": "Hokkaido University",
            "kind": "university",
            "prefecture": "北海道",
            "address": "北海道札幌市北区",
            "website": "https://www.hokudai.ac.jp/",
            "contact_email": "hokudai-kyoyo@example.jp",
        },
        [("hokkaido", JOINED_ON)],
    ),
    "muroran": (
        {
            "name": "室蘭工業大学",
            "name_en": "Muroran Institute of Technology",
            "kind": "university",
            "prefecture": "北海道",
            "address": "北海道室蘭市",
            "website": "https://www.muroran-it.ac.jp/",
            "contact_email": "muroran-kyoyo@example.jp",
        },
        [("hokkaido", JOINED_ON)],
    ),
    "tomakomai": (
        {
            "name": "苫小牧工業高等専門学校",
            "name_en": "National Institute of Technology, Tomakomai College",
            "kind": "kosen",
            "prefecture": "北海道",
            "address": "北海道苫小牧市",
            "contact_email": "tomakomai-kyoyo@example.jp",
        },
        [("hokkaido", JOINED_ON)],
    ),
    "doken": (
        {
            "name": "北海道立総合研究機構 工業試験場",
            "name_en": "Hokkaido Research Organization, Industrial Research Institute",
            "kind": "public_testing",
            "prefecture": "北海道",
            "address": "北海道札幌市北区",
            "contact_email": "doken-kyoyo@example.jp",
        },
        [("hokkaido", JOINED_ON)],
    ),
    "hokkaido_tlo": (
        {
            "name": "北海道ティー・エル・オー株式会社",
            "name_en": "Hokkaido TLO Co., Ltd.",
            "kind": "tlo",
            "prefecture": "北海道",
            "address": "北海道札幌市北区",
            "contact_email": "tlo@example.jp",
        },
        [("hokkaido", JOINED_ON)],
    ),
    "tuat": (
        {
            "name": "東京農工大学",
            "name_en": "Tokyo University of Agriculture and Technology",
            "kind": "university",
            "prefecture": "東京都",
            "address": "東京都小金井市",
            "website": "https://www.tuat.ac.jp/",
            "contact_email": "tuat-kyoyo@example.jp",
        },
        [("tama", JOINED_ON)],
    ),
    "tiri": (
        {
            "name": "東京都立産業技術研究センター",
            "name_en": "Tokyo Metropolitan Industrial Technology Research Institute",
            "kind": "public_testing",
            "prefecture": "東京都",
            "address": "東京都江東区",
            "contact_email": "tiri-kyoyo@example.jp",
        },
        [("tama", JOINED_ON)],
    ),
    "kistec": (
        {
            "name": "神奈川県立産業技術総合研究所",
            "name_en": "Kanagawa Institute of Industrial Science and Technology (KISTEC)",
            "kind": "public_testing",
            "prefecture": "神奈川県",
            "address": "神奈川県海老名市",
            "contact_email": "kistec-kyoyo@example.jp",
        },
        [("tama", JOINED_ON)],
    ),
    "saitec": (
        {
            "name": "埼玉県産業技術総合センター",
            "name_en": "Saitama Industrial Technology Center",
            "kind": "public_testing",
            "prefecture": "埼玉県",
            "address": "埼玉県川口市",
            "contact_email": "saitec-kyoyo@example.jp",
        },
        [("tama", JOINED_ON)],
    ),
    "tokyo_kosen": (
        {
            "name": "東京工業高等専門学校",
            "name_en": "National Institute of Technology, Tokyo College",
            "kind": "kosen",
            "prefecture": "東京都",
            "address": "東京都八王子市",
            "contact_email": "tokyo-kosen-kyoyo@example.jp",
        },
        [("tama", JOINED_ON)],
    ),
    "tama_kyokai": (
        {
            "name": "首都圏産業活性化協会",
            "name_en": "Tama Association (TAMA)",
            "kind": "other",
            "prefecture": "東京都",
            "address": "東京都八王子市",
            "contact_email": "tama-kyokai@example.jp",
        },
        [("tama", JOINED_ON)],
    ),
}

# The fee policy of each institution (docs/fees.md): the 12-digit body of its fictional corporate number (the
# registration number is T + the number with its check digit), multipliers for 成果非公開, companies outside the
# consortium's region and large companies (None: the instrument's large-company rate applies), the staff rate
# per hour for assisted and commissioned use (None: not charged), and the usage-report deadline in days.
FEE_POLICIES = {
    "aist": ("999902000001", "2.0", "1.0", "1.3", 6000, 30),
    "hokudai": ("999902000002", "1.5", "1.0", "1.3", 5000, 30),
    "muroran": ("999902000003", "1.5", "1.2", None, 4000, 30),
    "tomakomai": ("999902000004", "1.5", "1.2", None, 3000, 30),
    "doken": ("999902000005", "2.0", "1.5", "1.3", 4400, 14),  # 公設試: outside the region ×1.5
    "hokkaido_tlo": ("999902000006", "1.0", "1.0", None, None, 30),
    "tuat": ("999902000007", "1.5", "1.0", "1.3", 5000, 30),
    "tiri": ("999902000008", "2.0", "1.5", "1.3", 4400, 14),
    "kistec": ("999902000009", "2.0", "1.5", None, 4200, 14),
    "saitec": ("999902000010", "2.0", "1.5", "1.3", 4000, 14),
    "tokyo_kosen": ("999902000011", "1.5", "1.2", None, 3000, 30),
    "tama_kyokai": ("999902000012", "1.0", "1.0", None, None, 30),
}

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
]  # fmt: skip

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
}  # fmt: skip

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
        hours += [{"weekday": d, "opens": time(9), "closes": time(12)},
                  {"weekday": d, "opens": time(13), "closes": time(17)}]  # fmt: skip
    if schedule == SATURDAY:
        hours.append({"weekday": 5, "opens": time(9), "closes": time(12)})
    return hours


# Public testing institutes keep straight hours; the rest close for lunch unless an instrument says otherwise.
SCHEDULE_BY_INSTITUTION = {"tiri": STRAIGHT, "saitec": STRAIGHT}

# One dict per instrument. Optional keys override the category's profile: modes, schedule,
# qual (requires_qualification) and the booking-rule keys of PROFILES (slot, min, max, ...).
INSTRUMENTS = [
    # --- 産総研 (both consortia): 北海道センター and 臨海副都心センター
    {
        "institution": "aist",
        "category": "sem",
        "name": "電界放出形走査電子顕微鏡 JSM-IT800",
        "name_en": "Field-emission SEM JSM-IT800",
        "maker": "日本電子 (JEOL)",
        "model": "JSM-IT800",
        "specs": {
            "分解能": "0.7 nm (15 kV)",
            "加速電圧": "0.01–30 kV",
            "倍率": "×10–×2,000,000",
            "付属": "EDS (Oxford Ultim Max 100)",
        },
        "location": "北海道センター C-2棟 1階 電子顕微鏡室",
        "description": (
            "ショットキー電界放出電子銃を備えた高分解能SEM。"
            "低加速電圧での絶縁物観察とEDSによる元素マッピングが可能です。"
        ),
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "aist",
        "category": "xrd",
        "name": "多目的X線回折装置 SmartLab",
        "name_en": "Multipurpose X-ray diffractometer SmartLab",
        "maker": "リガク (Rigaku)",
        "model": "SmartLab 9kW",
        "specs": {
            "X線源": "Cu 回転対陰極 9 kW",
            "ゴニオメータ": "θ/θ 水平型",
            "測定": "粉末・薄膜・小角散乱・残留応力",
        },
        "location": "北海道センター C-2棟 2階 X線室",
        "description": "粉末から薄膜まで対応する高出力X線回折装置。インプレーン測定と残留応力測定に対応します。",
    },
    {
        "institution": "aist",
        "category": "nmr",
        "name": "400 MHz 核磁気共鳴装置 AVANCE NEO 400",
        "name_en": "400 MHz NMR AVANCE NEO 400",
        "maker": "ブルカー (Bruker)",
        "model": "AVANCE NEO 400",
        "specs": {
            "磁場": "9.4 T (400 MHz)",
            "プローブ": "BBFO 5 mm",
            "温度範囲": "-40–+80 ℃",
            "オートサンプラー": "SampleCase 24",
        },
        "location": "北海道センター B棟 1階 NMR室",
        "description": "溶液試料の1H・13C・多核測定に対応。バイオ由来成分の構造解析に多く使われています。",
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "aist",
        "category": "icp-ms",
        "name": "トリプル四重極ICP質量分析装置 8900",
        "name_en": "Triple quadrupole ICP-MS 8900",
        "maker": "アジレント (Agilent)",
        "model": "8900 ICP-QQQ",
        "specs": {"質量範囲": "2–260 u", "検出下限": "ppt レベル", "オートサンプラー": "SPS 4"},
        "location": "臨海副都心センター 本館 3階 元素分析室",
        "description": "MS/MSモードで干渉を除去し、半導体材料中の極微量不純物を定量します。",
    },
    {
        "institution": "aist",
        "category": "tem",
        "name": "原子分解能分析電子顕微鏡 JEM-ARM200F",
        "name_en": "Atomic-resolution analytical TEM JEM-ARM200F",
        "maker": "日本電子 (JEOL)",
        "model": "JEM-ARM200F",
        "specs": {"加速電圧": "80 / 200 kV", "STEM分解能": "0.08 nm", "付属": "EDS・EELS"},
        "location": "臨海副都心センター 別館 1階 電顕室",
        "description": "球面収差補正STEMによる原子像観察と原子カラム分解能の元素分析が可能です。",
    },
    {
        "institution": "aist",
        "category": "xps",
        "name": "走査型X線光電子分光分析装置 VersaProbe III",
        "name_en": "Scanning XPS PHI VersaProbe III",
        "maker": "アルバック・ファイ",
        "model": "PHI 5000 VersaProbe III",
        "specs": {"X線源": "単色化 Al Kα", "最小分析径": "10 µm 以下", "スパッタ": "Ar イオン・Arクラスター"},
        "location": "臨海副都心センター 本館 2階 表面分析室",
        "description": "微小領域の化学状態分析とArクラスターイオンによる有機膜の深さ方向分析に対応します。",
    },
    {
        "institution": "aist",
        "category": "xct",
        "name": "マイクロフォーカスX線CT XT H 225",
        "name_en": "Micro-focus X-ray CT XT H 225",
        "maker": "ニコン (Nikon)",
        "model": "XT H 225",
        "specs": {"管電圧": "最大 225 kV", "焦点寸法": "3 µm", "最大試料": "直径 250 mm × 高さ 300 mm"},
        "location": "北海道センター D棟 1階 非破壊評価室",
        "description": "鋳物・樹脂成形品・電子部品の内部欠陥や空隙を非破壊で三次元観察します。",
    },
    {
        "institution": "aist",
        "category": "raman",
        "name": "顕微レーザーラマン分光装置 inVia Qontor",
        "name_en": "Raman microscope inVia Qontor",
        "maker": "レニショー (Renishaw)",
        "model": "inVia Qontor",
        "specs": {"励起波長": "532 / 785 nm", "空間分解能": "約 1 µm", "マッピング": "StreamLine 高速イメージング"},
        "location": "臨海副都心センター 本館 2階 分光室",
        "description": "カーボン材料の結晶性評価や異物の同定、応力分布のイメージングに使えます。",
    },
    # --- 北海道大学
    {
        "institution": "hokudai",
        "category": "tem",
        "name": "200 kV 透過電子顕微鏡 JEM-2100Plus",
        "name_en": "200 kV TEM JEM-2100Plus",
        "maker": "日本電子 (JEOL)",
        "model": "JEM-2100Plus",
        "specs": {"加速電圧": "200 kV", "点分解能": "0.23 nm", "カメラ": "CMOS 4k×4k"},
        "location": "工学部 共用施設棟 B1階 電顕室",
        "description": "材料・生物試料の透過像、電子線回折に対応する汎用TEMです。",
        "schedule": SATURDAY,
    },
    {
        "institution": "hokudai",
        "category": "nmr",
        "name": "600 MHz 核磁気共鳴装置 AVANCE III HD 600",
        "name_en": "600 MHz NMR AVANCE III HD 600",
        "maker": "ブルカー (Bruker)",
        "model": "AVANCE III HD 600",
        "specs": {"磁場": "14.1 T (600 MHz)", "プローブ": "TCI クライオプローブ", "測定": "1H・13C・15N・2次元"},
        "location": "創成研究機構 1階 NMR室",
        "description": "クライオプローブにより微量試料の二次元NMR測定が可能です。",
        "schedule": SATURDAY,
    },
    {
        "institution": "hokudai",
        "category": "sem",
        "name": "超高分解能電界放出形走査電子顕微鏡 SU8230",
        "name_en": "Ultra-high-resolution FE-SEM SU8230",
        "maker": "日立ハイテク (Hitachi)",
        "model": "SU8230",
        "specs": {"分解能": "0.8 nm (15 kV)", "加速電圧": "0.5–30 kV", "付属": "EDS・STEM検出器"},
        "location": "工学部 共用施設棟 1階 SEM室",
        "description": "冷陰極電界放出電子銃の超高分解能SEM。ナノ材料の表面微細構造観察に適しています。",
        "schedule": SATURDAY,
    },
    {
        "institution": "hokudai",
        "category": "icp-ms",
        "name": "ICP質量分析装置 iCAP RQ",
        "name_en": "ICP-MS iCAP RQ",
        "maker": "サーモフィッシャー (Thermo Fisher)",
        "model": "iCAP RQ",
        "specs": {"質量範囲": "4–290 u", "干渉除去": "KED コリジョンセル", "検出下限": "ppt–ppb"},
        "location": "理学部 5号館 2階 分析室",
        "description": "環境水・食品・生体試料中の微量元素を多元素同時に定量します。",
    },
    {
        "institution": "hokudai",
        "category": "afm",
        "name": "走査型プローブ顕微鏡 Dimension Icon",
        "name_en": "Scanning probe microscope Dimension Icon",
        "maker": "ブルカー (Bruker)",
        "model": "Dimension Icon",
        "specs": {"走査範囲": "90 µm × 90 µm", "Z分解能": "0.03 nm", "モード": "PeakForce Tapping・KPFM"},
        "location": "工学部 共用施設棟 2階 SPM室",
        "description": "大型試料をそのまま測定でき、表面粗さや機械物性のマッピングが可能です。",
    },
    {
        "institution": "hokudai",
        "category": "raman",
        "name": "顕微ラマン分光装置 LabRAM HR Evolution",
        "name_en": "Raman microscope LabRAM HR Evolution",
        "maker": "堀場製作所 (HORIBA)",
        "model": "LabRAM HR Evolution",
        "specs": {"励起波長": "532 / 633 / 785 nm", "焦点距離": "800 mm", "低波数": "50 cm⁻¹ から測定可"},
        "location": "理学部 5号館 3階 分光室",
        "description": "高波数分解能の顕微ラマン装置。結晶多形や応力の評価に使われています。",
    },
    # --- 室蘭工業大学
    {
        "institution": "muroran",
        "category": "sem",
        "name": "走査電子顕微鏡 JSM-IT200 InTouchScope",
        "name_en": "SEM JSM-IT200 InTouchScope",
        "maker": "日本電子 (JEOL)",
        "model": "JSM-IT200",
        "specs": {"分解能": "3.0 nm (30 kV)", "加速電圧": "0.5–30 kV", "低真空": "10–650 Pa", "付属": "EDS"},
        "location": "K棟 1階 機器分析センター",
        "description": "タッチパネル操作の汎用SEM。低真空モードで非導電性試料もそのまま観察できます。",
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "muroran",
        "category": "xrd",
        "name": "X線回折装置 Ultima IV",
        "name_en": "X-ray diffractometer Ultima IV",
        "maker": "リガク (Rigaku)",
        "model": "Ultima IV",
        "specs": {"X線源": "Cu 封入管 3 kW", "検出器": "D/teX Ultra 高速検出器", "測定": "粉末・薄膜"},
        "location": "K棟 1階 機器分析センター",
        "description": "金属・セラミックス粉末の結晶相同定に使われる汎用X線回折装置です。",
    },
    {
        "institution": "muroran",
        "category": "tensile",
        "name": "精密万能試験機 AG-Xplus 100kN",
        "name_en": "Universal testing machine AG-Xplus 100 kN",
        "maker": "島津製作所 (Shimadzu)",
        "model": "AG-Xplus 100kN",
        "specs": {"最大荷重": "100 kN", "試験": "引張・圧縮・曲げ", "恒温槽": "-70–+250 ℃"},
        "location": "材料試験棟 1階",
        "description": "金属・樹脂・複合材料の引張・圧縮・曲げ試験を恒温槽付きで行えます。",
    },
    {
        "institution": "muroran",
        "category": "thermal",
        "name": "同時熱分析装置 STA 449 F3 Jupiter",
        "name_en": "Simultaneous thermal analyzer STA 449 F3 Jupiter",
        "maker": "ネッチ (NETZSCH)",
        "model": "STA 449 F3 Jupiter",
        "specs": {"温度範囲": "室温–1,500 ℃", "測定": "TG-DSC 同時測定", "雰囲気": "N₂・Ar・空気"},
        "location": "K棟 2階 熱分析室",
        "description": "TGとDSCを同時に測定し、セラミックス原料や無機材料の反応・分解を評価します。",
        "schedule": STRAIGHT,
    },
    # --- 苫小牧高専
    {
        "institution": "tomakomai",
        "category": "sem",
        "name": "卓上走査電子顕微鏡 TM4000Plus",
        "name_en": "Tabletop SEM TM4000Plus",
        "maker": "日立ハイテク (Hitachi)",
        "model": "TM4000PlusII",
        "specs": {"倍率": "×10–×100,000", "加速電圧": "5 / 10 / 15 / 20 kV", "付属": "EDS"},
        "location": "専攻科棟 2階 共同研究室",
        "description": "前処理なしで手軽に観察できる卓上SEM。初めての方の異物観察に向いています。",
        "qual": True,
        "min": 30,
        "max": 120,
    },
    {
        "institution": "tomakomai",
        "category": "xrd",
        "name": "卓上X線回折装置 MiniFlex600",
        "name_en": "Benchtop XRD MiniFlex600",
        "maker": "リガク (Rigaku)",
        "model": "MiniFlex600",
        "specs": {"X線源": "Cu 600 W", "検出器": "D/teX Ultra2", "試料交換": "8 連オートサンプルチェンジャー"},
        "location": "専攻科棟 2階 共同研究室",
        "description": "粉末試料の結晶相同定を短時間で行える卓上型X線回折装置です。",
        "modes": ["self", "assisted"],
    },
    {
        "institution": "tomakomai",
        "category": "ftir",
        "name": "フーリエ変換赤外分光光度計 IRSpirit",
        "name_en": "FT-IR IRSpirit",
        "maker": "島津製作所 (Shimadzu)",
        "model": "IRSpirit-T",
        "specs": {"波数範囲": "7,800–350 cm⁻¹", "分解能": "0.9 cm⁻¹", "付属": "1回反射ATR (ダイヤモンド)"},
        "location": "専攻科棟 2階 共同研究室",
        "description": "ATRで樹脂・ゴム・付着物をそのまま測定し、ライブラリ検索で同定します。",
    },
    # --- 道総研 工業試験場
    {
        "institution": "doken",
        "category": "sem",
        "name": "分析走査電子顕微鏡 SU5000",
        "name_en": "Analytical FE-SEM SU5000",
        "maker": "日立ハイテク (Hitachi)",
        "model": "SU5000",
        "specs": {"分解能": "1.2 nm (30 kV)", "加速電圧": "0.5–30 kV", "低真空": "10–300 Pa", "付属": "EDS・EBSD"},
        "location": "本館 2階 電子顕微鏡室",
        "description": "ショットキーFE-SEM。低真空観察とEBSDによる結晶方位解析に対応します。",
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "doken",
        "category": "xct",
        "name": "マイクロフォーカスX線CT inspeXio SMX-225CT",
        "name_en": "Micro-focus X-ray CT inspeXio SMX-225CT",
        "maker": "島津製作所 (Shimadzu)",
        "model": "inspeXio SMX-225CT FPD HR Plus",
        "specs": {"管電圧": "最大 225 kV", "検出器": "フラットパネル", "最大試料": "直径 400 mm × 高さ 300 mm"},
        "location": "技術支援棟 1階 X線CT室",
        "description": "食品・鋳造品・樹脂部品の内部構造や空隙率を非破壊で測定します。",
    },
    {
        "institution": "doken",
        "category": "icp-oes",
        "name": "ICP発光分光分析装置 iCAP PRO",
        "name_en": "ICP-OES iCAP PRO",
        "maker": "サーモフィッシャー (Thermo Fisher)",
        "model": "iCAP PRO XP Duo",
        "specs": {"波長範囲": "167–852 nm", "測光": "アキシャル・ラジアル切替", "測定元素": "約 70 元素"},
        "location": "本館 3階 化学分析室",
        "description": "金属材料・めっき液・排水中の金属元素を多元素同時に定量します。",
    },
    {
        "institution": "doken",
        "category": "gcms",
        "name": "ガスクロマトグラフ質量分析計 GCMS-QP2020 NX",
        "name_en": "GC-MS GCMS-QP2020 NX",
        "maker": "島津製作所 (Shimadzu)",
        "model": "GCMS-QP2020 NX",
        "specs": {"質量範囲": "m/z 1.5–1,090", "導入": "液体・ヘッドスペース・熱脱着", "ライブラリ": "NIST 20"},
        "location": "本館 3階 有機分析室",
        "description": "食品の香気成分や製品のにおい・アウトガス成分を分離・同定します。",
    },
    {
        "institution": "doken",
        "category": "ftir",
        "name": "フーリエ変換赤外分光光度計 Nicolet iS50",
        "name_en": "FT-IR Nicolet iS50",
        "maker": "サーモフィッシャー (Thermo Fisher)",
        "model": "Nicolet iS50",
        "specs": {"波数範囲": "11,000–50 cm⁻¹", "付属": "ATR・顕微IR", "分解能": "0.09 cm⁻¹"},
        "location": "本館 3階 有機分析室",
        "description": "近赤外から遠赤外まで測定できるFT-IR。顕微IRで微小異物の同定も行えます。",
        "modes": ["self", "assisted"],
        "qual": True,
    },
    {
        "institution": "doken",
        "category": "tensile",
        "name": "万能材料試験機 Instron 5982",
        "name_en": "Universal testing machine Instron 5982",
        "maker": "インストロン (Instron)",
        "model": "5982",
        "specs": {"最大荷重": "100 kN", "試験": "引張・圧縮・曲げ・はく離", "ひずみ計測": "ビデオ伸び計"},
        "location": "材料試験棟 1階",
        "description": "金属・樹脂の引張試験をビデオ伸び計付きで行い、JIS規格に沿った報告書を作成します。",
    },
    # --- 東京農工大学
    {
        "institution": "tuat",
        "category": "tem",
        "name": "電界放出形透過電子顕微鏡 JEM-F200",
        "name_en": "Field-emission TEM JEM-F200",
        "maker": "日本電子 (JEOL)",
        "model": "JEM-F200",
        "specs": {"加速電圧": "80–200 kV", "電子銃": "冷陰極電界放出形", "付属": "デュアルEDS"},
        "location": "小金井キャンパス 先端機器分析棟 1階",
        "description": "冷陰極FEG搭載のTEM。触媒ナノ粒子の観察と元素マッピングに使われています。",
    },
    {
        "institution": "tuat",
        "category": "xrd",
        "name": "X線回折装置 D8 ADVANCE",
        "name_en": "X-ray diffractometer D8 ADVANCE",
        "maker": "ブルカー (Bruker)",
        "model": "D8 ADVANCE",
        "specs": {"X線源": "Cu 封入管", "検出器": "LYNXEYE XE-T", "測定": "粉末・高温 (〜1,200 ℃)"},
        "location": "小金井キャンパス 先端機器分析棟 2階",
        "description": "高温ステージによる相変態のその場観察に対応する粉末X線回折装置です。",
    },
    {
        "institution": "tuat",
        "category": "icp-ms",
        "name": "ICP質量分析装置 7900",
        "name_en": "ICP-MS 7900",
        "maker": "アジレント (Agilent)",
        "model": "7900 ICP-MS",
        "specs": {"質量範囲": "2–260 u", "ダイナミックレンジ": "11 桁", "干渉除去": "ORS⁴ コリジョン/リアクションセル"},
        "location": "府中キャンパス 農学部 本館 2階 分析室",
        "description": "土壌・植物・食品中の微量金属元素や重金属を高感度で定量します。",
    },
    {
        "institution": "tuat",
        "category": "afm",
        "name": "原子間力顕微鏡 NX10",
        "name_en": "Atomic force microscope NX10",
        "maker": "パーク・システムズ (Park Systems)",
        "model": "NX10",
        "specs": {"走査範囲": "50 µm × 50 µm", "Z範囲": "15 µm", "モード": "True Non-Contact"},
        "location": "小金井キャンパス 先端機器分析棟 2階",
        "description": "ノンコンタクトモードで柔らかい試料の表面形状を探針摩耗なく測定します。",
    },
    {
        "institution": "tuat",
        "category": "raman",
        "name": "レーザーラマン分光光度計 NRS-4500",
        "name_en": "Laser Raman spectrometer NRS-4500",
        "maker": "日本分光 (JASCO)",
        "model": "NRS-4500",
        "specs": {"励起波長": "532 / 785 nm", "測定範囲": "50–8,000 cm⁻¹", "イメージング": "QRI 高速イメージング"},
        "location": "小金井キャンパス 先端機器分析棟 3階",
        "description": "高分子や医薬品の結晶多形・分散状態をイメージングで評価します。",
    },
    # --- 都産技研 (straight hours)
    {
        "institution": "tiri",
        "category": "xct",
        "name": "X線顕微鏡 Xradia 520 Versa",
        "name_en": "X-ray microscope Xradia 520 Versa",
        "maker": "カールツァイス (ZEISS)",
        "model": "Xradia 520 Versa",
        "specs": {"空間分解能": "0.7 µm", "管電圧": "30–160 kV", "最大試料": "300 mm, 15 kg"},
        "location": "本部 3階 X線CT室",
        "description": "サブミクロン分解能で電池・電子部品・複合材料の内部構造を観察します。",
    },
    {
        "institution": "tiri",
        "category": "xps",
        "name": "X線光電子分光装置 JPS-9030",
        "name_en": "XPS JPS-9030",
        "maker": "日本電子 (JEOL)",
        "model": "JPS-9030",
        "specs": {"X線源": "Mg/Al デュアル・単色化 Al", "分析径": "1 mm – 30 µm", "エッチング": "Ar イオン"},
        "location": "本部 4階 表面分析室",
        "description": "めっき・接着不良品の表面汚染や酸化状態を調べます。",
    },
    {
        "institution": "tiri",
        "category": "icp-oes",
        "name": "ICP発光分光分析装置 5110",
        "name_en": "ICP-OES 5110",
        "maker": "アジレント (Agilent)",
        "model": "5110 SVDV",
        "specs": {"波長範囲": "167–785 nm", "測光": "同期垂直二方向", "測定時間": "1 試料 約 1 分"},
        "location": "本部 4階 化学分析室",
        "description": "RoHS対応の有害元素分析や合金組成分析を短時間で行います。",
    },
    {
        "institution": "tiri",
        "category": "gcms",
        "name": "ガスクロマトグラフ質量分析計 8890/5977B",
        "name_en": "GC/MSD 8890/5977B",
        "maker": "アジレント (Agilent)",
        "model": "8890 GC / 5977B MSD",
        "specs": {"質量範囲": "m/z 1.6–1,050", "導入": "液体・熱分解 (パイロライザー)", "ライブラリ": "NIST 20"},
        "location": "本部 4階 有機分析室",
        "description": "熱分解GC/MSによる樹脂の材質判定や残留溶剤の分析に使います。",
    },
    {
        "institution": "tiri",
        "category": "ftir",
        "name": "赤外顕微鏡 AIM-9000",
        "name_en": "Infrared microscope AIM-9000",
        "maker": "島津製作所 (Shimadzu)",
        "model": "AIM-9000 / IRTracer-100",
        "specs": {"最小測定域": "10 µm × 10 µm", "検出器": "MCT", "付属": "顕微ATR"},
        "location": "本部 4階 有機分析室",
        "description": "製品に混入した数十µmの異物を顕微IRで同定します。",
        "modes": ["self", "assisted"],
        "qual": True,
    },
    {
        "institution": "tiri",
        "category": "thermal",
        "name": "示差走査熱量計 Discovery DSC 2500",
        "name_en": "Differential scanning calorimeter Discovery DSC 2500",
        "maker": "ティー・エイ・インスツルメント (TA Instruments)",
        "model": "Discovery DSC 2500",
        "specs": {"温度範囲": "-90–725 ℃", "冷却": "RCS90 冷却ユニット", "オートサンプラー": "54 試料"},
        "location": "本部 5階 熱分析室",
        "description": "樹脂のガラス転移・融点・硬化反応を評価します。",
    },
    {
        "institution": "tiri",
        "category": "xrd",
        "name": "多目的X線回折装置 Empyrean",
        "name_en": "Multipurpose XRD Empyrean",
        "maker": "マルバーン・パナリティカル",
        "model": "Empyrean",
        "specs": {"X線源": "Cu 封入管", "検出器": "PIXcel3D", "測定": "粉末・薄膜・残留応力"},
        "location": "本部 3階 X線回折室",
        "description": "金属部品の残留応力測定や薄膜の結晶配向評価に使われています。",
    },
    # --- KISTEC
    {
        "institution": "kistec",
        "category": "sem",
        "name": "走査電子顕微鏡 SU3800",
        "name_en": "SEM SU3800",
        "maker": "日立ハイテク (Hitachi)",
        "model": "SU3800",
        "specs": {"分解能": "3.0 nm (30 kV)", "加速電圧": "0.3–30 kV", "最大試料": "直径 200 mm", "付属": "EDS"},
        "location": "海老名本所 2階 電子顕微鏡室",
        "description": "大型試料をそのまま観察できるタングステンSEM。破断面観察と異物分析に多く使われています。",
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "kistec",
        "category": "xct",
        "name": "X線CT装置 CT Lab HX",
        "name_en": "X-ray CT CT Lab HX",
        "maker": "リガク (Rigaku)",
        "model": "CT Lab HX130",
        "specs": {"管電圧": "最大 130 kV", "空間分解能": "約 2.5 µm", "最大試料": "直径 200 mm"},
        "location": "海老名本所 1階 非破壊評価室",
        "description": "樹脂・軽金属部品の内部欠陥やボイドを短時間でスキャンします。",
    },
    {
        "institution": "kistec",
        "category": "tensile",
        "name": "精密万能試験機 AGX-V 50kN",
        "name_en": "Universal testing machine AGX-V 50 kN",
        "maker": "島津製作所 (Shimadzu)",
        "model": "AUTOGRAPH AGX-V 50kN",
        "specs": {"最大荷重": "50 kN", "試験": "引張・圧縮・曲げ・はく離", "恒温槽": "-40–+250 ℃"},
        "location": "海老名本所 1階 材料試験室",
        "description": "樹脂・ゴム・接着試験片の強度評価を行います。",
    },
    {
        "institution": "kistec",
        "category": "psd",
        "name": "レーザ回折/散乱式粒子径分布測定装置 LA-960V2",
        "name_en": "Laser diffraction particle size analyzer LA-960V2",
        "maker": "堀場製作所 (HORIBA)",
        "model": "LA-960V2",
        "specs": {"測定範囲": "0.01–5,000 µm", "分散": "湿式・乾式", "測定時間": "約 1 分"},
        "location": "海老名本所 3階 粉体評価室",
        "description": "粉体原料やスラリーの粒度分布を湿式・乾式で測定します。",
    },
    {
        "institution": "kistec",
        "category": "xps",
        "name": "X線光電子分光装置 K-Alpha",
        "name_en": "XPS K-Alpha",
        "maker": "サーモフィッシャー (Thermo Fisher)",
        "model": "K-Alpha",
        "specs": {"X線源": "単色化 Al Kα", "分析径": "30–400 µm", "スパッタ": "Ar イオン (MAGCIS)"},
        "location": "海老名本所 2階 表面分析室",
        "description": "めっき・塗装前処理面の汚染や酸化膜の厚さを評価します。",
    },
    # --- SAITEC (straight hours)
    {
        "institution": "saitec",
        "category": "sem",
        "name": "走査電子顕微鏡 FlexSEM 1000 II",
        "name_en": "SEM FlexSEM 1000 II",
        "maker": "日立ハイテク (Hitachi)",
        "model": "FlexSEM 1000 II",
        "specs": {"分解能": "4.0 nm (20 kV)", "加速電圧": "0.3–20 kV", "付属": "EDS"},
        "location": "本館 2階 電子顕微鏡室",
        "description": "コンパクトなSEM。製品の表面観察と付着物の元素分析に使います。",
        "schedule": SATURDAY,
    },
    {
        "institution": "saitec",
        "category": "icp-oes",
        "name": "ICP発光分光分析装置 ICPE-9820",
        "name_en": "ICP-OES ICPE-9820",
        "maker": "島津製作所 (Shimadzu)",
        "model": "ICPE-9820",
        "specs": {"波長範囲": "167–800 nm", "測光": "アキシャル・ラジアル", "アルゴン消費": "約 10 L/min"},
        "location": "本館 3階 化学分析室",
        "description": "金属・セラミックス・排水の元素分析を低ランニングコストで行います。",
    },
    {
        "institution": "saitec",
        "category": "ftir",
        "name": "フーリエ変換赤外分光光度計 Spectrum Two",
        "name_en": "FT-IR Spectrum Two",
        "maker": "パーキンエルマー (PerkinElmer)",
        "model": "Spectrum Two",
        "specs": {"波数範囲": "8,300–350 cm⁻¹", "分解能": "0.5 cm⁻¹", "付属": "UATR"},
        "location": "本館 3階 化学分析室",
        "description": "樹脂・塗膜の材質判定に使う汎用FT-IRです。",
    },
    {
        "institution": "saitec",
        "category": "thermal",
        "name": "示差走査熱量計 DSC7020",
        "name_en": "Differential scanning calorimeter DSC7020",
        "maker": "日立ハイテクサイエンス",
        "model": "DSC7020",
        "specs": {"温度範囲": "-150–725 ℃", "感度": "0.2 µW"},
        "location": "本館 3階 熱分析室",
        "description": "樹脂部品の融点・結晶化温度を測定し、材料の受入検査に使われています。",
    },
    {
        "institution": "saitec",
        "category": "psd",
        "name": "レーザー回折式粒子径分布測定装置 Mastersizer 3000",
        "name_en": "Particle size analyzer Mastersizer 3000",
        "maker": "マルバーン・パナリティカル",
        "model": "Mastersizer 3000",
        "specs": {"測定範囲": "0.01–3,500 µm", "分散": "湿式 (Hydro EV)・乾式 (Aero S)"},
        "location": "本館 4階 粉体評価室",
        "description": "粉体・スラリーの粒度分布を測定します。",
    },
    # --- 東京高専
    {
        "institution": "tokyo_kosen",
        "category": "afm",
        "name": "原子間力顕微鏡 AFM100",
        "name_en": "Atomic force microscope AFM100",
        "maker": "日立ハイテク (Hitachi)",
        "model": "AFM100",
        "specs": {"走査範囲": "20 µm × 20 µm", "Z範囲": "1.5 µm", "モード": "DFM・位相・KFM"},
        "location": "物質工学科棟 2階 分析室",
        "description": "薄膜や研磨面の表面粗さを測定します。",
    },
    {
        "institution": "tokyo_kosen",
        "category": "thermal",
        "name": "示差熱熱重量同時測定装置 DTG-60",
        "name_en": "Simultaneous TG-DTA DTG-60",
        "maker": "島津製作所 (Shimadzu)",
        "model": "DTG-60",
        "specs": {"温度範囲": "室温–1,100 ℃", "天秤": "上皿差動型"},
        "location": "物質工学科棟 2階 分析室",
        "description": "重量減少と熱の出入りを同時に測定し、材料の耐熱性を評価します。",
    },
]

COMPANIES = [
    # key: (fields, 12-digit body of the fictional corporate number; the check digit is computed)
    ("ishikari", {"name": "株式会社石狩精密工業", "size": "sme", "industry": "精密機械部品製造",
                  "prefecture": "北海道", "address": "北海道石狩市"}, "999901000001"),
    ("musashino", {"name": "武蔵野エレクトロニクス株式会社", "size": "large", "industry": "電子部品製造",
                   "prefecture": "東京都", "address": "東京都立川市"}, "999901000002"),
    # Customers of the booking history (no demo login; their staff appear as requesters only).
    ("sapporo_foods", {"name": "株式会社札幌フードラボ", "size": "sme", "industry": "食品製造",
                       "prefecture": "北海道", "address": "北海道札幌市白石区"}, "999901000003"),
    ("tomakomai_metal", {"name": "苫小牧メタルワークス株式会社", "size": "sme", "industry": "金属加工",
                         "prefecture": "北海道", "address": "北海道苫小牧市"}, "999901000004"),
    ("hokkai_chem", {"name": "北海化成工業株式会社", "size": "large", "industry": "化学工業",
                     "prefecture": "北海道", "address": "北海道室蘭市"}, "999901000005"),
    ("hachioji_optics", {"name": "八王子オプティクス株式会社", "size": "sme", "industry": "光学部品製造",
                         "prefecture": "東京都", "address": "東京都八王子市"}, "999901000006"),
    ("sagamihara_materials", {"name": "相模原マテリアル株式会社", "size": "sme", "industry": "素材・樹脂加工",
                              "prefecture": "神奈川県", "address": "神奈川県相模原市"}, "999901000007"),
    ("tama_motors", {"name": "多摩モーターパーツ株式会社", "size": "large", "industry": "自動車部品製造",
                     "prefecture": "東京都", "address": "東京都日野市"}, "999901000008"),
]  # fmt: skip

# username: (last, first, role kind, scope kind, scope key, description for the logins table)
USERS = [
    ("secretariat", "高橋", "美咲", "secretariat", "consortium", "hokkaido"),
    ("secretariat2", "田中", "直子", "secretariat", "consortium", "tama"),
    ("coordinator", "小林", "恵子", "coordinator", "consortium", "hokkaido"),
    ("coordinator2", "松本", "浩二", "coordinator", "consortium", "tama"),
    ("staff", "鈴木", "一郎", "staff", "institution", "aist"),
    ("staff2", "伊藤", "健太", "staff", "institution", "tiri"),
    ("staff3", "加藤", "真理子", "staff", "institution", "doken"),
    ("staff4", "吉田", "誠", "staff", "institution", "hokudai"),
    ("researcher", "中村", "翔太", "researcher", "institution", "muroran"),
    ("company", "渡辺", "由美", "company_admin", "company", "ishikari"),
    ("company2", "山本", "大輔", "company_member", "company", "musashino"),
]
ADMIN = ("admin", "佐藤", "健一")

# Self-operation qualifications of the SME user: (institution, model).
QUALIFICATIONS = [("doken", "SU5000"), ("aist", "JSM-IT800")]

# Maintenance in the coming weeks: (institution, model, days from today, start hour, end hour, title)
DOWNTIMES = [
    ("aist", "JSM-IT800", 9, 9, 17, "メーカー定期保守点検"),
    ("hokudai", "AVANCE III HD 600", 16, 9, 12, "液体ヘリウム補充"),
    ("tiri", "Xradia 520 Versa", 12, 13, 17, "X線源 点検・調整"),
]

# --- The booking history (seed_demo: the past 15 months, so the reports mean something on first start) ---------

# Requesters of the history who have no demo login: (username, last, first, company key).
HISTORY_USERS = [
    ("hist-sapporo-foods", "佐々木", "舞", "sapporo_foods"),
    ("hist-tomakomai-metal", "工藤", "剛", "tomakomai_metal"),
    ("hist-hokkai-chem", "松田", "隆", "hokkai_chem"),
    ("hist-hachioji-optics", "青木", "彩", "hachioji_optics"),
    ("hist-sagamihara-materials", "石井", "亮", "sagamihara_materials"),
    ("hist-tama-motors", "森", "拓也", "tama_motors"),
]
# Who books at the instruments of each consortium, with weights: a username (companies by their user).
HISTORY_CUSTOMERS = {
    "hokkaido": [("company", 4), ("hist-sapporo-foods", 3), ("hist-tomakomai-metal", 2), ("hist-hokkai-chem", 2),
                 ("company2", 1), ("researcher", 2)],
    # The researcher (室蘭工大, 北海道 only) books in TAMA only at AIST, the member of both (相互活用 is between fellow
    # members, see equipment.selectors.user_category_for): so not listed here.
    "tama": [("company2", 3), ("hist-hachioji-optics", 3), ("hist-sagamihara-materials", 3), ("hist-tama-motors", 2),
             ("company", 1)],
}  # fmt: skip
# Institution staff also book their own instruments (internal use): username → institution key.
HISTORY_INTERNAL = {"staff": "aist", "staff2": "tiri"}
HISTORY_MONTHS = 15
# Past maintenance, repairs and internal use: (institution, model, days ago, start hour, end hour, title, kind)
HISTORY_DOWNTIMES = [
    ("aist", "JSM-IT800", 200, 9, 17, "電子銃交換", "repair"),
    ("aist", "JSM-IT800", 400, 9, 12, "メーカー定期保守点検（前年度）", "maintenance"),
    ("hokudai", "AVANCE III HD 600", 120, 9, 17, "液体ヘリウム補充・シム調整", "maintenance"),
    ("doken", "SU5000", 60, 13, 17, "EDS検出器点検", "maintenance"),
    ("tiri", "Xradia 520 Versa", 300, 9, 17, "X線源 交換修理", "repair"),
    ("kistec", "LA-960V2", 90, 9, 12, "光学系清掃", "maintenance"),
    ("tuat", "JEM-F200", 150, 9, 17, "研究室内部利用（学生実習）", "internal"),
]

# Instruments (by model) whose manual also has a revised version 1.1.
REVISED_MANUALS = {"JSM-IT800", "SmartLab 9kW", "SU5000", "Xradia 520 Versa", "LA-960V2"}
