"""Words the bench data set is made of (plain data): regional consortia, places, name parts, instrument models.

Names are fictional combinations of real place names and common words, with English names made of the same parts;
people have readings (katakana). Makers (by their brand names, which read the same in both languages) and models
are real products, as in the demo data. CONSORTIA keeps a hand layout, a row a consortium (the reason stands
beside its pragma); the rest is laid out by ruff.
"""

# slug (after "bench-"), name, English name, region, prefectures, weight (share of institutions; 関東 is the largest)
CONSORTIA = [
    ("kanto", "関東地域分析機器共用コンソーシアム", "Kanto Analytical Instrument Sharing Consortium", "関東",
     ["東京都", "神奈川県", "埼玉県", "千葉県", "茨城県", "栃木県", "群馬県", "山梨県"], 30),
    ("kinki", "近畿地域分析機器共用コンソーシアム", "Kinki Analytical Instrument Sharing Consortium", "近畿",
     ["大阪府", "京都府", "兵庫県", "奈良県", "滋賀県", "和歌山県"], 15),
    ("chubu", "中部地域分析機器共用コンソーシアム", "Chubu Analytical Instrument Sharing Consortium", "中部",
     ["愛知県", "岐阜県", "三重県", "静岡県", "長野県"], 12),
    ("kyushu", "九州・沖縄地域分析機器共用コンソーシアム", "Kyushu-Okinawa Analytical Instrument Sharing Consortium",
     "九州・沖縄", ["福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"], 10),
    ("tohoku", "東北地域分析機器共用コンソーシアム", "Tohoku Analytical Instrument Sharing Consortium", "東北",
     ["青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県"], 8),
    ("chugoku", "中国地域分析機器共用コンソーシアム", "Chugoku Analytical Instrument Sharing Consortium", "中国",
     ["鳥取県", "島根県", "岡山県", "広島県", "山口県"], 7),
    ("hokkaido", "北海道地域分析機器共用コンソーシアム", "Hokkaido Analytical Instrument Sharing Consortium", "北海道",
     ["北海道"], 6),
    ("hokuriku", "北陸・信越地域分析機器共用コンソーシアム", "Hokuriku-Shinetsu Analytical Instrument Sharing Consortium",
     "北陸・信越", ["新潟県", "富山県", "石川県", "福井県"], 6),
    ("shikoku", "四国地域分析機器共用コンソーシアム", "Shikoku Analytical Instrument Sharing Consortium", "四国",
     ["徳島県", "香川県", "愛媛県", "高知県"], 4),
]  # fmt: skip  # table: one consortium a row

CITIES = {
    "北海道": ["札幌", "函館", "旭川", "室蘭", "苫小牧", "帯広", "北見", "釧路"],
    "青森県": ["青森", "弘前", "八戸"],
    "岩手県": ["盛岡", "北上", "一関"],
    "宮城県": ["仙台", "石巻", "多賀城"],
    "秋田県": ["秋田", "横手"],
    "山形県": ["山形", "米沢", "鶴岡"],
    "福島県": ["福島", "郡山", "いわき", "会津"],
    "茨城県": ["水戸", "つくば", "日立", "土浦"],
    "栃木県": ["宇都宮", "小山", "足利"],
    "群馬県": ["前橋", "高崎", "桐生"],
    "埼玉県": ["さいたま", "川越", "所沢", "熊谷"],
    "千葉県": ["千葉", "柏", "船橋", "木更津"],
    "東京都": ["八王子", "立川", "府中", "調布", "町田", "小金井", "品川", "江東"],
    "神奈川県": ["横浜", "川崎", "相模原", "厚木", "藤沢", "平塚"],
    "山梨県": ["甲府", "富士吉田"],
    "新潟県": ["新潟", "長岡", "上越"],
    "富山県": ["富山", "高岡"],
    "石川県": ["金沢", "小松"],
    "福井県": ["福井", "鯖江"],
    "長野県": ["長野", "松本", "上田", "諏訪"],
    "岐阜県": ["岐阜", "大垣", "各務原"],
    "静岡県": ["静岡", "浜松", "沼津"],
    "愛知県": ["名古屋", "豊田", "岡崎", "豊橋", "一宮", "春日井"],
    "三重県": ["津", "四日市", "鈴鹿"],
    "滋賀県": ["大津", "草津", "彦根"],
    "京都府": ["京都", "舞鶴", "福知山"],
    "大阪府": ["大阪", "堺", "東大阪", "吹田", "豊中"],
    "兵庫県": ["神戸", "姫路", "尼崎", "西宮"],
    "奈良県": ["奈良", "橿原"],
    "和歌山県": ["和歌山", "田辺"],
    "鳥取県": ["鳥取", "米子"],
    "島根県": ["松江", "出雲"],
    "岡山県": ["岡山", "倉敷", "津山"],
    "広島県": ["広島", "福山", "東広島", "呉"],
    "山口県": ["山口", "宇部", "周南"],
    "徳島県": ["徳島", "阿南"],
    "香川県": ["高松", "丸亀"],
    "愛媛県": ["松山", "新居浜", "今治"],
    "高知県": ["高知", "南国"],
    "福岡県": ["福岡", "北九州", "久留米", "飯塚"],
    "佐賀県": ["佐賀", "鳥栖"],
    "長崎県": ["長崎", "佐世保"],
    "熊本県": ["熊本", "八代"],
    "大分県": ["大分", "別府"],
    "宮崎県": ["宮崎", "延岡"],
    "鹿児島県": ["鹿児島", "霧島"],
    "沖縄県": ["那覇", "うるま"],
}

# Institution kinds and their shares; how many instruments each kind tends to hold (relative).
INSTITUTION_KINDS = [
    ("university", 45, 1.5),
    ("public_testing", 30, 1.0),
    ("national_lab", 10, 3.0),
    ("kosen", 15, 0.5),
]
# Institution names, each part with its English (an institution's English name is made of the same parts).
UNIVERSITY_SUFFIXES = [
    ("大学", "{city} University"),
    ("大学", "{city} University"),
    ("工業大学", "{city} Institute of Technology"),
    ("理科大学", "{city} University of Science"),
    ("科学技術大学", "{city} University of Science and Technology"),
]
PUBLIC_TESTING_SUFFIXES = [
    ("産業技術センター", "{prefecture} Industrial Technology Center"),
    ("工業技術センター", "{prefecture} Technology Center"),
    ("産業技術総合研究所", "{prefecture} Institute of Industrial Science and Technology"),
    ("工業試験場", "{prefecture} Industrial Research Institute"),
    ("産業技術支援センター", "{prefecture} Industrial Technology Support Center"),
]
NATIONAL_LABS = [
    ("産業技術総合研究所", "National Institute of Advanced Industrial Science and Technology (AIST)"),
    ("物質・材料研究機構", "National Institute for Materials Science (NIMS)"),
    ("理化学研究所", "RIKEN"),
    ("量子科学技術研究開発機構", "National Institutes for Quantum Science and Technology (QST)"),
    ("農業・食品産業技術総合研究機構", "National Agriculture and Food Research Organization (NARO)"),
    ("日本原子力研究開発機構", "Japan Atomic Energy Agency (JAEA)"),
]
# Place names whose romanization the converter gets wrong or writes with long vowels (passport Hepburn writes
# 東京 Tokyo, not Toukyou): see place_en.
PLACES_EN = {"北海道": "Hokkaido", "東京都": "Tokyo", "京都府": "Kyoto", "京都": "Kyoto", "大阪府": "Osaka",
             "鹿児島県": "Kagoshima", "鹿児島": "Kagoshima", "群馬県": "Gunma", "豊田": "Toyota", "兵庫県": "Hyogo"}  # fmt: skip  # table: a row of places


def place_en(place: str) -> str:
    """A prefecture or city in Latin letters: 八王子 → Hachioji, 神奈川県 → Kanagawa."""
    if place in PLACES_EN:
        return PLACES_EN[place]
    from consortia.names import romanize  # pykakasi: loaded on first use

    bare = place.removesuffix("県") if place.endswith("県") else place
    latin = romanize(bare).replace("ou", "o").replace("uu", "u")
    return latin


COMPANY_STEMS = [
    "東和",
    "日進",
    "三栄",
    "大和",
    "光洋",
    "昭和",
    "富士",
    "旭",
    "北辰",
    "明星",
    "新光",
    "太陽",
    "丸善",
    "中央",
    "協和",
    "共栄",
    "東邦",
    "西部",
    "北斗",
    "朝日",
    "千代田",
    "日栄",
    "松栄",
    "青葉",
    "若葉",
    "菱和",
    "泉",
    "信和",
    "弥生",
    "双葉",
    "山中",
    "小島",
    "高橋",
    "田村",
    "森本",
    "岡田",
    "石川",
    "杉山",
    "黒田",
    "白石",
]
COMPANY_SUFFIXES = [
    "精工",
    "化学",
    "製作所",
    "電子",
    "マテリアル",
    "工業",
    "テクノ",
    "製薬",
    "金属",
    "樹脂",
    "技研",
    "光学",
    "セラミックス",
    "食品",
    "電機",
    "産業",
    "ケミカル",
    "精密",
    "塗料",
    "繊維",
]
INDUSTRIES = [
    "自動車部品",
    "電子部品",
    "化学",
    "食品",
    "医薬品",
    "金属加工",
    "精密機械",
    "樹脂成形",
    "半導体",
    "繊維",
    "窯業",
    "環境分析",
    "塗料",
    "医療機器",
]

# People: (name, reading in katakana); English pages write the name from the reading.
SURNAMES = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
]
GIVEN_NAMES = [
    ("翔太", "ショウタ"),
    ("大輔", "ダイスケ"),
    ("健一", "ケンイチ"),
    ("直樹", "ナオキ"),
    ("拓也", "タクヤ"),
    ("誠", "マコト"),
    ("陽介", "ヨウスケ"),
    ("和也", "カズヤ"),
    ("美咲", "ミサキ"),
    ("陽子", "ヨウコ"),
    ("恵", "メグミ"),
    ("由美", "ユミ"),
    ("彩", "アヤ"),
    ("真由美", "マユミ"),
    ("裕子", "ユウコ"),
    ("麻衣", "マイ"),
    ("智子", "トモコ"),
    ("愛", "アイ"),
    ("浩", "ヒロシ"),
    ("剛", "ツヨシ"),
]

# How often each technique is asked for (instrument mix and demand), and real makers and models.
CATEGORY_POPULARITY = {
    "sem": 3.0,
    "xrd": 2.5,
    "ftir": 2.0,
    "thermal": 1.5,
    "tensile": 1.5,
    "icp-oes": 1.2,
    "icp-ms": 1.2,
    "gcms": 1.2,
    "xct": 1.0,
    "nmr": 1.0,
    "raman": 1.0,
    "afm": 1.0,
    "psd": 1.0,
    "xps": 0.7,
    "tem": 0.7,
}
MODELS = {
    "sem": [
        ("JEOL", "JSM-IT800"),
        ("Hitachi High-Tech", "SU5000"),
        ("Hitachi High-Tech", "SU8600"),
        ("ZEISS", "GeminiSEM 460"),
        ("JEOL", "JSM-IT200"),
        ("Thermo Fisher Scientific", "Apreo 2"),
    ],
    "tem": [
        ("JEOL", "JEM-2100Plus"),
        ("JEOL", "JEM-ARM200F"),
        ("Hitachi High-Tech", "HF5000"),
        ("Thermo Fisher Scientific", "Talos F200X"),
    ],
    "xrd": [
        ("Rigaku", "SmartLab 9kW"),
        ("Rigaku", "MiniFlex600"),
        ("Bruker", "D8 ADVANCE"),
        ("Malvern Panalytical", "Empyrean"),
    ],
    "nmr": [("JEOL", "JNM-ECZ400S"), ("JEOL", "JNM-ECZ600R"), ("Bruker", "AVANCE NEO 500")],
    "icp-ms": [
        ("Agilent", "8900 ICP-QQQ"),
        ("Thermo Fisher Scientific", "iCAP RQ"),
        ("Shimadzu", "ICPMS-2050"),
    ],
    "icp-oes": [
        ("Shimadzu", "ICPE-9820"),
        ("Agilent", "5900 ICP-OES"),
        ("Hitachi High-Tech Science", "PS3520UVDD"),
    ],
    "ftir": [
        ("JASCO", "FT/IR-4X"),
        ("Thermo Fisher Scientific", "Nicolet iS20"),
        ("Shimadzu", "IRXross"),
        ("PerkinElmer", "Spectrum 3"),
    ],
    "xct": [
        ("ZEISS", "Xradia 520 Versa"),
        ("Shimadzu", "inspeXio SMX-225CT FPD HR Plus"),
        ("Nikon", "XT H 225"),
        ("Rigaku", "CT Lab HX"),
    ],
    "xps": [
        ("ULVAC-PHI", "PHI VersaProbe 4"),
        ("Thermo Fisher Scientific", "Nexsa G2"),
        ("Shimadzu", "AXIS SUPRA+"),
    ],
    "gcms": [
        ("Shimadzu", "GCMS-QP2020 NX"),
        ("Agilent", "8890/5977C"),
        ("JEOL", "JMS-Q1600GC"),
    ],
    "thermal": [
        ("Hitachi High-Tech Science", "DSC7020"),
        ("NETZSCH", "STA 449 F5"),
        ("TA Instruments", "Discovery TGA 5500"),
        ("Rigaku", "Thermo plus EVO2"),
    ],
    "afm": [
        ("Bruker", "Dimension Icon"),
        ("Hitachi High-Tech Science", "AFM100 Pro"),
        ("Shimadzu", "SPM-9700HT"),
        ("Oxford Instruments", "Cypher ES"),
    ],
    "raman": [
        ("HORIBA", "LabRAM HR Evolution"),
        ("JASCO", "NRS-5500"),
        ("Renishaw", "inVia Qontor"),
        ("Nanophoton", "RAMANtouch"),
    ],
    "tensile": [
        ("Shimadzu", "AG-Xplus 100kN"),
        ("Instron", "5982"),
        ("Shimadzu", "AGX-V 50kN"),
        ("A&D", "テンシロン RTF-2410"),
    ],
    "psd": [
        ("Malvern Panalytical", "Mastersizer 3000"),
        ("HORIBA", "LA-960V2"),
        ("MicrotracBEL", "MT3300EXII"),
    ],
}

PURPOSES = [
    "製品評価のための分析",
    "不具合品の原因調査",
    "新材料の開発",
    "品質管理の確認",
    "試作品の評価",
    "異物の同定",
    "取引先への提出データの取得",
    "工程改善の検討",
]
REJECT_REASONS = ["装置の調整期間のため", "試料が装置の仕様に合わないため", "担当者が不在のため"]

# Relative demand by month of the fiscal year (April first): quiet in April and August, busy before March.
MONTH_DEMAND = {4: 0.8, 5: 0.9, 6: 1.0, 7: 1.0, 8: 0.7, 9: 1.0, 10: 1.1, 11: 1.1, 12: 0.9, 1: 1.0, 2: 1.2, 3: 0.9}
