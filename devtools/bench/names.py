"""Words the bench data set is made of (plain data): regional consortia, places, name parts, instrument models.

Names are fictional combinations of real place names and common words; makers and models are real products,
as in the demo data. The lists keep many words a line (`# fmt: skip`): one word a line would make them
hundreds of lines long for nothing.
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
]  # fmt: skip

CITIES = {
    "北海道": ["札幌", "函館", "旭川", "室蘭", "苫小牧", "帯広", "北見", "釧路"],
    "青森県": ["青森", "弘前", "八戸"], "岩手県": ["盛岡", "北上", "一関"], "宮城県": ["仙台", "石巻", "多賀城"],
    "秋田県": ["秋田", "横手"], "山形県": ["山形", "米沢", "鶴岡"], "福島県": ["福島", "郡山", "いわき", "会津"],
    "茨城県": ["水戸", "つくば", "日立", "土浦"], "栃木県": ["宇都宮", "小山", "足利"], "群馬県": ["前橋", "高崎", "桐生"],
    "埼玉県": ["さいたま", "川越", "所沢", "熊谷"], "千葉県": ["千葉", "柏", "船橋", "木更津"],
    "東京都": ["八王子", "立川", "府中", "調布", "町田", "小金井", "品川", "江東"],
    "神奈川県": ["横浜", "川崎", "相模原", "厚木", "藤沢", "平塚"], "山梨県": ["甲府", "富士吉田"],
    "新潟県": ["新潟", "長岡", "上越"], "富山県": ["富山", "高岡"], "石川県": ["金沢", "小松"], "福井県": ["福井", "鯖江"],
    "長野県": ["長野", "松本", "上田", "諏訪"], "岐阜県": ["岐阜", "大垣", "各務原"], "静岡県": ["静岡", "浜松", "沼津"],
    "愛知県": ["名古屋", "豊田", "岡崎", "豊橋", "一宮", "春日井"], "三重県": ["津", "四日市", "鈴鹿"],
    "滋賀県": ["大津", "草津", "彦根"], "京都府": ["京都", "舞鶴", "福知山"], "大阪府": ["大阪", "堺", "東大阪", "吹田", "豊中"],
    "兵庫県": ["神戸", "姫路", "尼崎", "西宮"], "奈良県": ["奈良", "橿原"], "和歌山県": ["和歌山", "田辺"],
    "鳥取県": ["鳥取", "米子"], "島根県": ["松江", "出雲"], "岡山県": ["岡山", "倉敷", "津山"],
    "広島県": ["広島", "福山", "東広島", "呉"], "山口県": ["山口", "宇部", "周南"], "徳島県": ["徳島", "阿南"],
    "香川県": ["高松", "丸亀"], "愛媛県": ["松山", "新居浜", "今治"], "高知県": ["高知", "南国"],
    "福岡県": ["福岡", "北九州", "久留米", "飯塚"], "佐賀県": ["佐賀", "鳥栖"], "長崎県": ["長崎", "佐世保"],
    "熊本県": ["熊本", "八代"], "大分県": ["大分", "別府"], "宮崎県": ["宮崎", "延岡"], "鹿児島県": ["鹿児島", "霧島"],
    "沖縄県": ["那覇", "うるま"],
}  # fmt: skip

# Institution kinds and their shares; how many instruments each kind tends to hold (relative).
INSTITUTION_KINDS = [
    ("university", 45, 1.5),
    ("public_testing", 30, 1.0),
    ("national_lab", 10, 3.0),
    ("kosen", 15, 0.5),
]
UNIVERSITY_SUFFIXES = ["大学", "大学", "工業大学", "理科大学", "科学技術大学"]
PUBLIC_TESTING_SUFFIXES = [
    "産業技術センター",
    "工業技術センター",
    "産業技術総合研究所",
    "工業試験場",
    "産業技術支援センター",
]
NATIONAL_LABS = ["産業技術総合研究所", "物質・材料研究機構", "理化学研究所", "量子科学技術研究開発機構",
                 "農業・食品産業技術総合研究機構", "日本原子力研究開発機構"]  # fmt: skip

COMPANY_STEMS = ["東和", "日進", "三栄", "大和", "光洋", "昭和", "富士", "旭", "北辰", "明星", "新光", "太陽", "丸善", "中央",
                 "協和", "共栄", "東邦", "西部", "北斗", "朝日", "千代田", "日栄", "松栄", "青葉", "若葉", "菱和", "泉",
                 "信和", "弥生", "双葉", "山中", "小島", "高橋", "田村", "森本", "岡田", "石川", "杉山", "黒田", "白石"]  # fmt: skip
COMPANY_SUFFIXES = ["精工", "化学", "製作所", "電子", "マテリアル", "工業", "テクノ", "製薬", "金属", "樹脂", "技研", "光学",
                    "セラミックス", "食品", "電機", "産業", "ケミカル", "精密", "塗料", "繊維"]  # fmt: skip
INDUSTRIES = ["自動車部品", "電子部品", "化学", "食品", "医薬品", "金属加工", "精密機械", "樹脂成形", "半導体", "繊維",
              "窯業", "環境分析", "塗料", "医療機器"]  # fmt: skip

SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口",
            "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川", "山下", "中島"]  # fmt: skip
GIVEN_NAMES = ["翔太", "大輔", "健一", "直樹", "拓也", "誠", "陽介", "和也", "美咲", "陽子", "恵", "由美", "彩", "真由美",
               "裕子", "麻衣", "智子", "愛", "浩", "剛"]  # fmt: skip

# How often each technique is asked for (instrument mix and demand), and real makers and models.
CATEGORY_POPULARITY = {"sem": 3.0, "xrd": 2.5, "ftir": 2.0, "thermal": 1.5, "tensile": 1.5, "icp-oes": 1.2,
                       "icp-ms": 1.2, "gcms": 1.2, "xct": 1.0, "nmr": 1.0, "raman": 1.0, "afm": 1.0, "psd": 1.0,
                       "xps": 0.7, "tem": 0.7}  # fmt: skip
MODELS = {
    "sem": [("日本電子 (JEOL)", "JSM-IT800"), ("日立ハイテク", "SU5000"), ("日立ハイテク", "SU8600"),
            ("カールツァイス", "GeminiSEM 460"), ("日本電子 (JEOL)", "JSM-IT200"), ("Thermo Fisher Scientific", "Apreo 2")],
    "tem": [("日本電子 (JEOL)", "JEM-2100Plus"), ("日本電子 (JEOL)", "JEM-ARM200F"), ("日立ハイテク", "HF5000"),
            ("Thermo Fisher Scientific", "Talos F200X")],
    "xrd": [("リガク", "SmartLab 9kW"), ("リガク", "MiniFlex600"), ("ブルカー", "D8 ADVANCE"),
            ("マルバーン・パナリティカル", "Empyrean")],
    "nmr": [("日本電子 (JEOL)", "JNM-ECZ400S"), ("日本電子 (JEOL)", "JNM-ECZ600R"), ("ブルカー", "AVANCE NEO 500")],
    "icp-ms": [("アジレント・テクノロジー", "8900 ICP-QQQ"), ("サーモフィッシャーサイエンティフィック", "iCAP RQ"),
               ("島津製作所", "ICPMS-2050")],
    "icp-oes": [("島津製作所", "ICPE-9820"), ("アジレント・テクノロジー", "5900 ICP-OES"),
                ("日立ハイテクサイエンス", "PS3520UVDD")],
    "ftir": [("日本分光", "FT/IR-4X"), ("サーモフィッシャーサイエンティフィック", "Nicolet iS20"), ("島津製作所", "IRXross"),
             ("パーキンエルマー", "Spectrum 3")],
    "xct": [("カールツァイス", "Xradia 520 Versa"), ("島津製作所", "inspeXio SMX-225CT FPD HR Plus"), ("ニコン", "XT H 225"),
            ("リガク", "CT Lab HX")],
    "xps": [("アルバック・ファイ", "PHI VersaProbe 4"), ("サーモフィッシャーサイエンティフィック", "Nexsa G2"),
            ("島津製作所", "AXIS SUPRA+")],
    "gcms": [("島津製作所", "GCMS-QP2020 NX"), ("アジレント・テクノロジー", "8890/5977C"), ("日本電子 (JEOL)", "JMS-Q1600GC")],
    "thermal": [("日立ハイテクサイエンス", "DSC7020"), ("ネッチ・ジャパン", "STA 449 F5"),
                ("TAインスツルメント", "Discovery TGA 5500"), ("リガク", "Thermo plus EVO2")],
    "afm": [("ブルカー", "Dimension Icon"), ("日立ハイテクサイエンス", "AFM100 Pro"), ("島津製作所", "SPM-9700HT"),
            ("オックスフォード・インストゥルメンツ", "Cypher ES")],
    "raman": [("堀場製作所", "LabRAM HR Evolution"), ("日本分光", "NRS-5500"), ("レニショー", "inVia Qontor"),
              ("ナノフォトン", "RAMANtouch")],
    "tensile": [("島津製作所", "AG-Xplus 100kN"), ("インストロン", "5982"), ("島津製作所", "AGX-V 50kN"),
                ("エー・アンド・デイ", "テンシロン RTF-2410")],
    "psd": [("マルバーン・パナリティカル", "Mastersizer 3000"), ("堀場製作所", "LA-960V2"),
            ("マイクロトラック・ベル", "MT3300EXII")],
}  # fmt: skip

PURPOSES = ["製品評価のための分析", "不具合品の原因調査", "新材料の開発", "品質管理の確認", "試作品の評価",
            "異物の同定", "取引先への提出データの取得", "工程改善の検討"]  # fmt: skip
REJECT_REASONS = ["装置の調整期間のため", "試料が装置の仕様に合わないため", "担当者が不在のため"]

# Relative demand by month of the fiscal year (April first): quiet in April and August, busy before March.
MONTH_DEMAND = {4: 0.8, 5: 0.9, 6: 1.0, 7: 1.0, 8: 0.7, 9: 1.0, 10: 1.1, 11: 1.1, 12: 0.9, 1: 1.0, 2: 1.2, 3: 0.9}
