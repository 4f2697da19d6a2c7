"""The organisations and people of the demo data set (seed_demo): plain data, no ORM.

Two consortia modelled on METI's industrial clusters (北海道IT・バイオクラスター and
TAMA地域ものづくりクラスター), their member institutions and fee policies, companies, the demo logins, and who
books in the booking history. Company names and corporate-number bodies are fictional. The catalogue is in
devtools/demo/catalogue.py (categories, rules, rates) and devtools/demo/instruments.py.
"""

from datetime import date

JOINED_ON = date(2024, 4, 1)
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
        "description_en": (
            "Built on the Hokkaido IT & bio cluster, the consortium opens the analytical instruments of Hokkaido's "
            "universities, colleges of technology, public testing institutes and AIST to companies in Hokkaido. "
            "One desk answers technical questions and refers you to the right institution and instrument."
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
        "description_en": (
            "Centred on the small manufacturers of the TAMA region cluster, the consortium shares the testing and "
            "analytical instruments of universities, colleges of technology and public testing institutes in the "
            "west of the Tokyo area."
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

# COMPANIES is a table, a row a company: kept as rows (ruff would give every field its own line).
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
]  # fmt: skip  # table: one company a row

# username: (family name, given name, their readings in katakana (English pages write the name from them: Misaki
# Takahashi), role kind, scope kind, scope key)
USERS = [
    ("secretariat", "高橋", "美咲", "タカハシ", "ミサキ", "secretariat", "consortium", "hokkaido"),
    ("secretariat2", "田中", "直子", "タナカ", "ナオコ", "secretariat", "consortium", "tama"),
    ("coordinator", "小林", "恵子", "コバヤシ", "ケイコ", "coordinator", "consortium", "hokkaido"),
    ("coordinator2", "松本", "浩二", "マツモト", "コウジ", "coordinator", "consortium", "tama"),
    ("staff", "鈴木", "一郎", "スズキ", "イチロウ", "staff", "institution", "aist"),
    ("staff2", "伊藤", "健太", "イトウ", "ケンタ", "staff", "institution", "tiri"),
    ("staff3", "加藤", "真理子", "カトウ", "マリコ", "staff", "institution", "doken"),
    ("staff4", "吉田", "誠", "ヨシダ", "マコト", "staff", "institution", "hokudai"),
    ("researcher", "中村", "翔太", "ナカムラ", "ショウタ", "researcher", "institution", "muroran"),
    ("company", "渡辺", "由美", "ワタナベ", "ユミ", "company_admin", "company", "ishikari"),
    ("company2", "山本", "大輔", "ヤマモト", "ダイスケ", "company_member", "company", "musashino"),
]
ADMIN = ("admin", "佐藤", "健一", "サトウ", "ケンイチ")
# Roles held beside a user's first: (username, role kind, scope kind, scope key). Two staff also administer their
# institution's fees and billing details (/staff/institution/).
EXTRA_ROLES = [
    ("staff", "institution_admin", "institution", "aist"),
    ("staff3", "institution_admin", "institution", "doken"),
]

# Self-operation qualifications of the SME user: (institution, model).
QUALIFICATIONS = [("doken", "SU5000"), ("aist", "JSM-IT800")]

# Maintenance in the coming weeks: (institution, model, days from today, start hour, end hour, title)
DOWNTIMES = [
    ("aist", "JSM-IT800", 9, 9, 17, "メーカー定期保守点検"),
    ("hokudai", "AVANCE III HD 600", 16, 9, 12, "液体ヘリウム補充"),
    ("tiri", "Xradia 520 Versa", 12, 13, 17, "X線源 点検・調整"),
]

# --- The booking history (seed_demo: the past 15 months, so the reports mean something on first start) ---------

# Requesters of the history who have no demo login: (username, family, given, their readings, company key).
HISTORY_USERS = [
    ("hist-sapporo-foods", "佐々木", "舞", "ササキ", "マイ", "sapporo_foods"),
    ("hist-tomakomai-metal", "工藤", "剛", "クドウ", "ツヨシ", "tomakomai_metal"),
    ("hist-hokkai-chem", "松田", "隆", "マツダ", "タカシ", "hokkai_chem"),
    ("hist-hachioji-optics", "青木", "彩", "アオキ", "アヤ", "hachioji_optics"),
    ("hist-sagamihara-materials", "石井", "亮", "イシイ", "リョウ", "sagamihara_materials"),
    ("hist-tama-motors", "森", "拓也", "モリ", "タクヤ", "tama_motors"),
]
# Who books at the instruments of each consortium, with weights: a username (companies by their user).
HISTORY_CUSTOMERS = {
    "hokkaido": [
        ("company", 4),
        ("hist-sapporo-foods", 3),
        ("hist-tomakomai-metal", 2),
        ("hist-hokkai-chem", 2),
        ("company2", 1),
        ("researcher", 2),
    ],
    # The researcher (室蘭工大, 北海道 only) books in TAMA only at AIST, the member of both (相互活用 is between fellow
    # members, see equipment.selectors.user_category_for): so not listed here.
    "tama": [
        ("company2", 3),
        ("hist-hachioji-optics", 3),
        ("hist-sagamihara-materials", 3),
        ("hist-tama-motors", 2),
        ("company", 1),
    ],
}
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
