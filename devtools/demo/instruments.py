"""The demo instruments (seed_demo): real makers and models, one dict per instrument, grouped by institution.

One table, kept in one piece on purpose (about 700 lines): it is read and edited as a list, and splitting it by
institution would only scatter it. Plain data, no ORM; the rules and prices of each category are in
devtools/demo/catalogue.py. Each has its English name and description (English pages show them); makers go by their
brand names, which read the same in both languages; specs and locations are what staff type, in Japanese.
"""

from devtools.demo.catalogue import SATURDAY, STRAIGHT

# One dict per instrument. Optional keys override the category's profile: modes, schedule,
# qual (requires_qualification) and the booking-rule keys of PROFILES (slot, min, max, ...).
INSTRUMENTS = [
    # --- 産総研 (both consortia): 北海道センター and 臨海副都心センター
    {
        "institution": "aist",
        "category": "sem",
        "name": "電界放出形走査電子顕微鏡 JSM-IT800",
        "name_en": "Field-emission SEM JSM-IT800",
        "maker": "JEOL",
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
        "description_en": (
            "High-resolution SEM with a Schottky field-emission gun: insulators observed at low accelerating voltage, "
            "and element mapping by EDS."
        ),
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "aist",
        "category": "xrd",
        "name": "多目的X線回折装置 SmartLab",
        "name_en": "Multipurpose X-ray diffractometer SmartLab",
        "maker": "Rigaku",
        "model": "SmartLab 9kW",
        "specs": {
            "X線源": "Cu 回転対陰極 9 kW",
            "ゴニオメータ": "θ/θ 水平型",
            "測定": "粉末・薄膜・小角散乱・残留応力",
        },
        "location": "北海道センター C-2棟 2階 X線室",
        "description": "粉末から薄膜まで対応する高出力X線回折装置。インプレーン測定と残留応力測定に対応します。",
        "description_en": (
            "High-power X-ray diffractometer for powders to thin films, with in-plane and residual-stress measurement."
        ),
    },
    {
        "institution": "aist",
        "category": "nmr",
        "name": "400 MHz 核磁気共鳴装置 AVANCE NEO 400",
        "name_en": "400 MHz NMR AVANCE NEO 400",
        "maker": "Bruker",
        "model": "AVANCE NEO 400",
        "specs": {
            "磁場": "9.4 T (400 MHz)",
            "プローブ": "BBFO 5 mm",
            "温度範囲": "-40–+80 ℃",
            "オートサンプラー": "SampleCase 24",
        },
        "location": "北海道センター B棟 1階 NMR室",
        "description": "溶液試料の1H・13C・多核測定に対応。バイオ由来成分の構造解析に多く使われています。",
        "description_en": (
            "1H, 13C and multinuclear measurement of solution samples; much used for the structure of bio-derived "
            "compounds."
        ),
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "aist",
        "category": "icp-ms",
        "name": "トリプル四重極ICP質量分析装置 8900",
        "name_en": "Triple quadrupole ICP-MS 8900",
        "maker": "Agilent",
        "model": "8900 ICP-QQQ",
        "specs": {"質量範囲": "2–260 u", "検出下限": "ppt レベル", "オートサンプラー": "SPS 4"},
        "location": "臨海副都心センター 本館 3階 元素分析室",
        "description": "MS/MSモードで干渉を除去し、半導体材料中の極微量不純物を定量します。",
        "description_en": (
            "Removes interferences in MS/MS mode to quantify ultra-trace impurities in electronic-grade materials."
        ),
    },
    {
        "institution": "aist",
        "category": "tem",
        "name": "原子分解能分析電子顕微鏡 JEM-ARM200F",
        "name_en": "Atomic-resolution analytical TEM JEM-ARM200F",
        "maker": "JEOL",
        "model": "JEM-ARM200F",
        "specs": {"加速電圧": "80 / 200 kV", "STEM分解能": "0.08 nm", "付属": "EDS・EELS"},
        "location": "臨海副都心センター 別館 1階 電顕室",
        "description": "球面収差補正STEMによる原子像観察と原子カラム分解能の元素分析が可能です。",
        "description_en": (
            "Spherical-aberration-corrected STEM: atomic-resolution imaging and element analysis at the scale of "
            "atomic columns."
        ),
    },
    {
        "institution": "aist",
        "category": "xps",
        "name": "走査型X線光電子分光分析装置 VersaProbe III",
        "name_en": "Scanning XPS PHI VersaProbe III",
        "maker": "ULVAC-PHI",
        "model": "PHI 5000 VersaProbe III",
        "specs": {"X線源": "単色化 Al Kα", "最小分析径": "10 µm 以下", "スパッタ": "Ar イオン・Arクラスター"},
        "location": "臨海副都心センター 本館 2階 表面分析室",
        "description": "微小領域の化学状態分析とArクラスターイオンによる有機膜の深さ方向分析に対応します。",
        "description_en": (
            "Chemical-state analysis of micro areas, and depth profiling of organic films with an argon cluster ion "
            "source."
        ),
    },
    {
        "institution": "aist",
        "category": "xct",
        "name": "マイクロフォーカスX線CT XT H 225",
        "name_en": "Micro-focus X-ray CT XT H 225",
        "maker": "Nikon",
        "model": "XT H 225",
        "specs": {"管電圧": "最大 225 kV", "焦点寸法": "3 µm", "最大試料": "直径 250 mm × 高さ 300 mm"},
        "location": "北海道センター D棟 1階 非破壊評価室",
        "description": "鋳物・樹脂成形品・電子部品の内部欠陥や空隙を非破壊で三次元観察します。",
        "description_en": (
            "Non-destructive three-dimensional imaging of internal defects and voids in castings, moulded resin parts "
            "and electronic components."
        ),
    },
    {
        "institution": "aist",
        "category": "raman",
        "name": "顕微レーザーラマン分光装置 inVia Qontor",
        "name_en": "Raman microscope inVia Qontor",
        "maker": "Renishaw",
        "model": "inVia Qontor",
        "specs": {"励起波長": "532 / 785 nm", "空間分解能": "約 1 µm", "マッピング": "StreamLine 高速イメージング"},
        "location": "臨海副都心センター 本館 2階 分光室",
        "description": "カーボン材料の結晶性評価や異物の同定、応力分布のイメージングに使えます。",
        "description_en": (
            "Crystallinity of carbon materials, identification of foreign matter, and imaging of stress distributions."
        ),
    },
    # --- 北海道大学
    {
        "institution": "hokudai",
        "category": "tem",
        "name": "200 kV 透過電子顕微鏡 JEM-2100Plus",
        "name_en": "200 kV TEM JEM-2100Plus",
        "maker": "JEOL",
        "model": "JEM-2100Plus",
        "specs": {"加速電圧": "200 kV", "点分解能": "0.23 nm", "カメラ": "CMOS 4k×4k"},
        "location": "工学部 共用施設棟 B1階 電顕室",
        "description": "材料・生物試料の透過像、電子線回折に対応する汎用TEMです。",
        "description_en": (
            "General-purpose TEM for transmission images and electron diffraction of materials and biological samples."
        ),
        "schedule": SATURDAY,
    },
    {
        "institution": "hokudai",
        "category": "nmr",
        "name": "600 MHz 核磁気共鳴装置 AVANCE III HD 600",
        "name_en": "600 MHz NMR AVANCE III HD 600",
        "maker": "Bruker",
        "model": "AVANCE III HD 600",
        "specs": {"磁場": "14.1 T (600 MHz)", "プローブ": "TCI クライオプローブ", "測定": "1H・13C・15N・2次元"},
        "location": "創成研究機構 1階 NMR室",
        "description": "クライオプローブにより微量試料の二次元NMR測定が可能です。",
        "description_en": "A cryoprobe makes two-dimensional NMR of small amounts of sample possible.",
        "schedule": SATURDAY,
    },
    {
        "institution": "hokudai",
        "category": "sem",
        "name": "超高分解能電界放出形走査電子顕微鏡 SU8230",
        "name_en": "Ultra-high-resolution FE-SEM SU8230",
        "maker": "Hitachi High-Tech",
        "model": "SU8230",
        "specs": {"分解能": "0.8 nm (15 kV)", "加速電圧": "0.5–30 kV", "付属": "EDS・STEM検出器"},
        "location": "工学部 共用施設棟 1階 SEM室",
        "description": "冷陰極電界放出電子銃の超高分解能SEM。ナノ材料の表面微細構造観察に適しています。",
        "description_en": (
            "Ultra-high-resolution SEM with a cold field-emission gun, suited to the surface microstructure of "
            "nanomaterials."
        ),
        "schedule": SATURDAY,
    },
    {
        "institution": "hokudai",
        "category": "icp-ms",
        "name": "ICP質量分析装置 iCAP RQ",
        "name_en": "ICP-MS iCAP RQ",
        "maker": "Thermo Fisher Scientific",
        "model": "iCAP RQ",
        "specs": {"質量範囲": "4–290 u", "干渉除去": "KED コリジョンセル", "検出下限": "ppt–ppb"},
        "location": "理学部 5号館 2階 分析室",
        "description": "環境水・食品・生体試料中の微量元素を多元素同時に定量します。",
        "description_en": (
            "Simultaneous multi-element quantification of trace elements in environmental water, food and biological "
            "samples."
        ),
    },
    {
        "institution": "hokudai",
        "category": "afm",
        "name": "走査型プローブ顕微鏡 Dimension Icon",
        "name_en": "Scanning probe microscope Dimension Icon",
        "maker": "Bruker",
        "model": "Dimension Icon",
        "specs": {"走査範囲": "90 µm × 90 µm", "Z分解能": "0.03 nm", "モード": "PeakForce Tapping・KPFM"},
        "location": "工学部 共用施設棟 2階 SPM室",
        "description": "大型試料をそのまま測定でき、表面粗さや機械物性のマッピングが可能です。",
        "description_en": "Measures large samples as they are and maps surface roughness and mechanical properties.",
    },
    {
        "institution": "hokudai",
        "category": "raman",
        "name": "顕微ラマン分光装置 LabRAM HR Evolution",
        "name_en": "Raman microscope LabRAM HR Evolution",
        "maker": "HORIBA",
        "model": "LabRAM HR Evolution",
        "specs": {"励起波長": "532 / 633 / 785 nm", "焦点距離": "800 mm", "低波数": "50 cm⁻¹ から測定可"},
        "location": "理学部 5号館 3階 分光室",
        "description": "高波数分解能の顕微ラマン装置。結晶多形や応力の評価に使われています。",
        "description_en": (
            "Micro-Raman with high wavenumber resolution, used to evaluate crystal polymorphs and stress."
        ),
    },
    # --- 室蘭工業大学
    {
        "institution": "muroran",
        "category": "sem",
        "name": "走査電子顕微鏡 JSM-IT200 InTouchScope",
        "name_en": "SEM JSM-IT200 InTouchScope",
        "maker": "JEOL",
        "model": "JSM-IT200",
        "specs": {"分解能": "3.0 nm (30 kV)", "加速電圧": "0.5–30 kV", "低真空": "10–650 Pa", "付属": "EDS"},
        "location": "K棟 1階 機器分析センター",
        "description": "タッチパネル操作の汎用SEM。低真空モードで非導電性試料もそのまま観察できます。",
        "description_en": (
            "General-purpose SEM operated from a touch panel; its low-vacuum mode shows non-conductive samples "
            "without coating."
        ),
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "muroran",
        "category": "xrd",
        "name": "X線回折装置 Ultima IV",
        "name_en": "X-ray diffractometer Ultima IV",
        "maker": "Rigaku",
        "model": "Ultima IV",
        "specs": {"X線源": "Cu 封入管 3 kW", "検出器": "D/teX Ultra 高速検出器", "測定": "粉末・薄膜"},
        "location": "K棟 1階 機器分析センター",
        "description": "金属・セラミックス粉末の結晶相同定に使われる汎用X線回折装置です。",
        "description_en": (
            "General-purpose X-ray diffractometer for identifying crystal phases of metal and ceramic powders."
        ),
    },
    {
        "institution": "muroran",
        "category": "tensile",
        "name": "精密万能試験機 AG-Xplus 100kN",
        "name_en": "Universal testing machine AG-Xplus 100 kN",
        "maker": "Shimadzu",
        "model": "AG-Xplus 100kN",
        "specs": {"最大荷重": "100 kN", "試験": "引張・圧縮・曲げ", "恒温槽": "-70–+250 ℃"},
        "location": "材料試験棟 1階",
        "description": "金属・樹脂・複合材料の引張・圧縮・曲げ試験を恒温槽付きで行えます。",
        "description_en": (
            "Tensile, compression and bending tests of metals, resins and composites, with a thermostatic chamber."
        ),
    },
    {
        "institution": "muroran",
        "category": "thermal",
        "name": "同時熱分析装置 STA 449 F3 Jupiter",
        "name_en": "Simultaneous thermal analyzer STA 449 F3 Jupiter",
        "maker": "NETZSCH",
        "model": "STA 449 F3 Jupiter",
        "specs": {"温度範囲": "室温–1,500 ℃", "測定": "TG-DSC 同時測定", "雰囲気": "N₂・Ar・空気"},
        "location": "K棟 2階 熱分析室",
        "description": "TGとDSCを同時に測定し、セラミックス原料や無機材料の反応・分解を評価します。",
        "description_en": (
            "Measures TG and DSC at once to evaluate reactions and decomposition of ceramic raw materials and "
            "inorganic materials."
        ),
        "schedule": STRAIGHT,
    },
    # --- 苫小牧高専
    {
        "institution": "tomakomai",
        "category": "sem",
        "name": "卓上走査電子顕微鏡 TM4000Plus",
        "name_en": "Tabletop SEM TM4000Plus",
        "maker": "Hitachi High-Tech",
        "model": "TM4000PlusII",
        "specs": {"倍率": "×10–×100,000", "加速電圧": "5 / 10 / 15 / 20 kV", "付属": "EDS"},
        "location": "専攻科棟 2階 共同研究室",
        "description": "前処理なしで手軽に観察できる卓上SEM。初めての方の異物観察に向いています。",
        "description_en": (
            "Tabletop SEM for quick observation without sample preparation; a good start for first-time users looking "
            "at foreign matter."
        ),
        "qual": True,
        "min": 30,
        "max": 120,
    },
    {
        "institution": "tomakomai",
        "category": "xrd",
        "name": "卓上X線回折装置 MiniFlex600",
        "name_en": "Benchtop XRD MiniFlex600",
        "maker": "Rigaku",
        "model": "MiniFlex600",
        "specs": {"X線源": "Cu 600 W", "検出器": "D/teX Ultra2", "試料交換": "8 連オートサンプルチェンジャー"},
        "location": "専攻科棟 2階 共同研究室",
        "description": "粉末試料の結晶相同定を短時間で行える卓上型X線回折装置です。",
        "description_en": (
            "Benchtop X-ray diffractometer that identifies the crystal phases of powder samples in a short time."
        ),
        "modes": ["self", "assisted"],
    },
    {
        "institution": "tomakomai",
        "category": "ftir",
        "name": "フーリエ変換赤外分光光度計 IRSpirit",
        "name_en": "FT-IR IRSpirit",
        "maker": "Shimadzu",
        "model": "IRSpirit-T",
        "specs": {"波数範囲": "7,800–350 cm⁻¹", "分解能": "0.9 cm⁻¹", "付属": "1回反射ATR (ダイヤモンド)"},
        "location": "専攻科棟 2階 共同研究室",
        "description": "ATRで樹脂・ゴム・付着物をそのまま測定し、ライブラリ検索で同定します。",
        "description_en": (
            "Measures resins, rubbers and deposits as they are by ATR, and identifies them by library search."
        ),
    },
    # --- 道総研 工業試験場
    {
        "institution": "doken",
        "category": "sem",
        "name": "分析走査電子顕微鏡 SU5000",
        "name_en": "Analytical FE-SEM SU5000",
        "maker": "Hitachi High-Tech",
        "model": "SU5000",
        "specs": {"分解能": "1.2 nm (30 kV)", "加速電圧": "0.5–30 kV", "低真空": "10–300 Pa", "付属": "EDS・EBSD"},
        "location": "本館 2階 電子顕微鏡室",
        "description": "ショットキーFE-SEM。低真空観察とEBSDによる結晶方位解析に対応します。",
        "description_en": "Schottky FE-SEM with low-vacuum observation and crystal-orientation analysis by EBSD.",
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "doken",
        "category": "xct",
        "name": "マイクロフォーカスX線CT inspeXio SMX-225CT",
        "name_en": "Micro-focus X-ray CT inspeXio SMX-225CT",
        "maker": "Shimadzu",
        "model": "inspeXio SMX-225CT FPD HR Plus",
        "specs": {"管電圧": "最大 225 kV", "検出器": "フラットパネル", "最大試料": "直径 400 mm × 高さ 300 mm"},
        "location": "技術支援棟 1階 X線CT室",
        "description": "食品・鋳造品・樹脂部品の内部構造や空隙率を非破壊で測定します。",
        "description_en": (
            "Non-destructive measurement of internal structure and porosity of food, castings and resin parts."
        ),
    },
    {
        "institution": "doken",
        "category": "icp-oes",
        "name": "ICP発光分光分析装置 iCAP PRO",
        "name_en": "ICP-OES iCAP PRO",
        "maker": "Thermo Fisher Scientific",
        "model": "iCAP PRO XP Duo",
        "specs": {"波長範囲": "167–852 nm", "測光": "アキシャル・ラジアル切替", "測定元素": "約 70 元素"},
        "location": "本館 3階 化学分析室",
        "description": "金属材料・めっき液・排水中の金属元素を多元素同時に定量します。",
        "description_en": (
            "Simultaneous multi-element quantification of metals in metallic materials, plating baths and waste water."
        ),
    },
    {
        "institution": "doken",
        "category": "gcms",
        "name": "ガスクロマトグラフ質量分析計 GCMS-QP2020 NX",
        "name_en": "GC-MS GCMS-QP2020 NX",
        "maker": "Shimadzu",
        "model": "GCMS-QP2020 NX",
        "specs": {"質量範囲": "m/z 1.5–1,090", "導入": "液体・ヘッドスペース・熱脱着", "ライブラリ": "NIST 20"},
        "location": "本館 3階 有機分析室",
        "description": "食品の香気成分や製品のにおい・アウトガス成分を分離・同定します。",
        "description_en": (
            "Separates and identifies aroma compounds of food, and odour and outgassing compounds of products."
        ),
    },
    {
        "institution": "doken",
        "category": "ftir",
        "name": "フーリエ変換赤外分光光度計 Nicolet iS50",
        "name_en": "FT-IR Nicolet iS50",
        "maker": "Thermo Fisher Scientific",
        "model": "Nicolet iS50",
        "specs": {"波数範囲": "11,000–50 cm⁻¹", "付属": "ATR・顕微IR", "分解能": "0.09 cm⁻¹"},
        "location": "本館 3階 有機分析室",
        "description": "近赤外から遠赤外まで測定できるFT-IR。顕微IRで微小異物の同定も行えます。",
        "description_en": "FT-IR from near to far infrared; its IR microscope identifies tiny foreign particles.",
        "modes": ["self", "assisted"],
        "qual": True,
    },
    {
        "institution": "doken",
        "category": "tensile",
        "name": "万能材料試験機 Instron 5982",
        "name_en": "Universal testing machine Instron 5982",
        "maker": "Instron",
        "model": "5982",
        "specs": {"最大荷重": "100 kN", "試験": "引張・圧縮・曲げ・はく離", "ひずみ計測": "ビデオ伸び計"},
        "location": "材料試験棟 1階",
        "description": "金属・樹脂の引張試験をビデオ伸び計付きで行い、JIS規格に沿った報告書を作成します。",
        "description_en": (
            "Tensile tests of metals and resins with a video extensometer, and reports that follow the JIS standards."
        ),
    },
    # --- 東京農工大学
    {
        "institution": "tuat",
        "category": "tem",
        "name": "電界放出形透過電子顕微鏡 JEM-F200",
        "name_en": "Field-emission TEM JEM-F200",
        "maker": "JEOL",
        "model": "JEM-F200",
        "specs": {"加速電圧": "80–200 kV", "電子銃": "冷陰極電界放出形", "付属": "デュアルEDS"},
        "location": "小金井キャンパス 先端機器分析棟 1階",
        "description": "冷陰極FEG搭載のTEM。触媒ナノ粒子の観察と元素マッピングに使われています。",
        "description_en": "TEM with a cold FEG, used to observe catalyst nanoparticles and to map their elements.",
    },
    {
        "institution": "tuat",
        "category": "xrd",
        "name": "X線回折装置 D8 ADVANCE",
        "name_en": "X-ray diffractometer D8 ADVANCE",
        "maker": "Bruker",
        "model": "D8 ADVANCE",
        "specs": {"X線源": "Cu 封入管", "検出器": "LYNXEYE XE-T", "測定": "粉末・高温 (〜1,200 ℃)"},
        "location": "小金井キャンパス 先端機器分析棟 2階",
        "description": "高温ステージによる相変態のその場観察に対応する粉末X線回折装置です。",
        "description_en": (
            "Powder X-ray diffractometer with a high-temperature stage for in-situ observation of phase "
            "transformations."
        ),
    },
    {
        "institution": "tuat",
        "category": "icp-ms",
        "name": "ICP質量分析装置 7900",
        "name_en": "ICP-MS 7900",
        "maker": "Agilent",
        "model": "7900 ICP-MS",
        "specs": {"質量範囲": "2–260 u", "ダイナミックレンジ": "11 桁", "干渉除去": "ORS⁴ コリジョン/リアクションセル"},
        "location": "府中キャンパス 農学部 本館 2階 分析室",
        "description": "土壌・植物・食品中の微量金属元素や重金属を高感度で定量します。",
        "description_en": "Sensitive quantification of trace metals and heavy metals in soil, plants and food.",
    },
    {
        "institution": "tuat",
        "category": "afm",
        "name": "原子間力顕微鏡 NX10",
        "name_en": "Atomic force microscope NX10",
        "maker": "Park Systems",
        "model": "NX10",
        "specs": {"走査範囲": "50 µm × 50 µm", "Z範囲": "15 µm", "モード": "True Non-Contact"},
        "location": "小金井キャンパス 先端機器分析棟 2階",
        "description": "ノンコンタクトモードで柔らかい試料の表面形状を探針摩耗なく測定します。",
        "description_en": "Measures the surface shape of soft samples in non-contact mode without wearing the tip.",
    },
    {
        "institution": "tuat",
        "category": "raman",
        "name": "レーザーラマン分光光度計 NRS-4500",
        "name_en": "Laser Raman spectrometer NRS-4500",
        "maker": "JASCO",
        "model": "NRS-4500",
        "specs": {"励起波長": "532 / 785 nm", "測定範囲": "50–8,000 cm⁻¹", "イメージング": "QRI 高速イメージング"},
        "location": "小金井キャンパス 先端機器分析棟 3階",
        "description": "高分子や医薬品の結晶多形・分散状態をイメージングで評価します。",
        "description_en": "Images the crystal polymorphs and dispersion of polymers and pharmaceuticals.",
    },
    # --- 都産技研 (straight hours)
    {
        "institution": "tiri",
        "category": "xct",
        "name": "X線顕微鏡 Xradia 520 Versa",
        "name_en": "X-ray microscope Xradia 520 Versa",
        "maker": "ZEISS",
        "model": "Xradia 520 Versa",
        "specs": {"空間分解能": "0.7 µm", "管電圧": "30–160 kV", "最大試料": "300 mm, 15 kg"},
        "location": "本部 3階 X線CT室",
        "description": "サブミクロン分解能で電池・電子部品・複合材料の内部構造を観察します。",
        "description_en": (
            "Internal structure of batteries, electronic components and composites at sub-micron resolution."
        ),
    },
    {
        "institution": "tiri",
        "category": "xps",
        "name": "X線光電子分光装置 JPS-9030",
        "name_en": "XPS JPS-9030",
        "maker": "JEOL",
        "model": "JPS-9030",
        "specs": {"X線源": "Mg/Al デュアル・単色化 Al", "分析径": "1 mm – 30 µm", "エッチング": "Ar イオン"},
        "location": "本部 4階 表面分析室",
        "description": "めっき・接着不良品の表面汚染や酸化状態を調べます。",
        "description_en": "Examines surface contamination and oxidation of parts with plating or adhesion failures.",
    },
    {
        "institution": "tiri",
        "category": "icp-oes",
        "name": "ICP発光分光分析装置 5110",
        "name_en": "ICP-OES 5110",
        "maker": "Agilent",
        "model": "5110 SVDV",
        "specs": {"波長範囲": "167–785 nm", "測光": "同期垂直二方向", "測定時間": "1 試料 約 1 分"},
        "location": "本部 4階 化学分析室",
        "description": "RoHS対応の有害元素分析や合金組成分析を短時間で行います。",
        "description_en": "Quick analysis of hazardous elements for RoHS and of alloy compositions.",
    },
    {
        "institution": "tiri",
        "category": "gcms",
        "name": "ガスクロマトグラフ質量分析計 8890/5977B",
        "name_en": "GC/MSD 8890/5977B",
        "maker": "Agilent",
        "model": "8890 GC / 5977B MSD",
        "specs": {"質量範囲": "m/z 1.6–1,050", "導入": "液体・熱分解 (パイロライザー)", "ライブラリ": "NIST 20"},
        "location": "本部 4階 有機分析室",
        "description": "熱分解GC/MSによる樹脂の材質判定や残留溶剤の分析に使います。",
        "description_en": "Identifies resin materials by pyrolysis GC/MS and analyses residual solvents.",
    },
    {
        "institution": "tiri",
        "category": "ftir",
        "name": "赤外顕微鏡 AIM-9000",
        "name_en": "Infrared microscope AIM-9000",
        "maker": "Shimadzu",
        "model": "AIM-9000 / IRTracer-100",
        "specs": {"最小測定域": "10 µm × 10 µm", "検出器": "MCT", "付属": "顕微ATR"},
        "location": "本部 4階 有機分析室",
        "description": "製品に混入した数十µmの異物を顕微IRで同定します。",
        "description_en": "Identifies foreign particles of a few tens of µm in products by IR microscopy.",
        "modes": ["self", "assisted"],
        "qual": True,
    },
    {
        "institution": "tiri",
        "category": "thermal",
        "name": "示差走査熱量計 Discovery DSC 2500",
        "name_en": "Differential scanning calorimeter Discovery DSC 2500",
        "maker": "TA Instruments",
        "model": "Discovery DSC 2500",
        "specs": {"温度範囲": "-90–725 ℃", "冷却": "RCS90 冷却ユニット", "オートサンプラー": "54 試料"},
        "location": "本部 5階 熱分析室",
        "description": "樹脂のガラス転移・融点・硬化反応を評価します。",
        "description_en": "Evaluates the glass transition, melting point and curing reaction of resins.",
    },
    {
        "institution": "tiri",
        "category": "xrd",
        "name": "多目的X線回折装置 Empyrean",
        "name_en": "Multipurpose XRD Empyrean",
        "maker": "Malvern Panalytical",
        "model": "Empyrean",
        "specs": {"X線源": "Cu 封入管", "検出器": "PIXcel3D", "測定": "粉末・薄膜・残留応力"},
        "location": "本部 3階 X線回折室",
        "description": "金属部品の残留応力測定や薄膜の結晶配向評価に使われています。",
        "description_en": "Used for residual stress of metal parts and crystal orientation of thin films.",
    },
    # --- KISTEC
    {
        "institution": "kistec",
        "category": "sem",
        "name": "走査電子顕微鏡 SU3800",
        "name_en": "SEM SU3800",
        "maker": "Hitachi High-Tech",
        "model": "SU3800",
        "specs": {"分解能": "3.0 nm (30 kV)", "加速電圧": "0.3–30 kV", "最大試料": "直径 200 mm", "付属": "EDS"},
        "location": "海老名本所 2階 電子顕微鏡室",
        "description": "大型試料をそのまま観察できるタングステンSEM。破断面観察と異物分析に多く使われています。",
        "description_en": (
            "Tungsten SEM that takes large samples as they are; much used for fracture surfaces and foreign-matter "
            "analysis."
        ),
        "modes": ["self", "assisted", "commissioned"],
    },
    {
        "institution": "kistec",
        "category": "xct",
        "name": "X線CT装置 CT Lab HX",
        "name_en": "X-ray CT CT Lab HX",
        "maker": "Rigaku",
        "model": "CT Lab HX130",
        "specs": {"管電圧": "最大 130 kV", "空間分解能": "約 2.5 µm", "最大試料": "直径 200 mm"},
        "location": "海老名本所 1階 非破壊評価室",
        "description": "樹脂・軽金属部品の内部欠陥やボイドを短時間でスキャンします。",
        "description_en": "Scans internal defects and voids of resin and light-metal parts in a short time.",
    },
    {
        "institution": "kistec",
        "category": "tensile",
        "name": "精密万能試験機 AGX-V 50kN",
        "name_en": "Universal testing machine AGX-V 50 kN",
        "maker": "Shimadzu",
        "model": "AUTOGRAPH AGX-V 50kN",
        "specs": {"最大荷重": "50 kN", "試験": "引張・圧縮・曲げ・はく離", "恒温槽": "-40–+250 ℃"},
        "location": "海老名本所 1階 材料試験室",
        "description": "樹脂・ゴム・接着試験片の強度評価を行います。",
        "description_en": "Strength tests of resin, rubber and adhesive specimens.",
    },
    {
        "institution": "kistec",
        "category": "psd",
        "name": "レーザ回折/散乱式粒子径分布測定装置 LA-960V2",
        "name_en": "Laser diffraction particle size analyzer LA-960V2",
        "maker": "HORIBA",
        "model": "LA-960V2",
        "specs": {"測定範囲": "0.01–5,000 µm", "分散": "湿式・乾式", "測定時間": "約 1 分"},
        "location": "海老名本所 3階 粉体評価室",
        "description": "粉体原料やスラリーの粒度分布を湿式・乾式で測定します。",
        "description_en": "Measures the particle size distribution of powders and slurries, wet or dry.",
    },
    {
        "institution": "kistec",
        "category": "xps",
        "name": "X線光電子分光装置 K-Alpha",
        "name_en": "XPS K-Alpha",
        "maker": "Thermo Fisher Scientific",
        "model": "K-Alpha",
        "specs": {"X線源": "単色化 Al Kα", "分析径": "30–400 µm", "スパッタ": "Ar イオン (MAGCIS)"},
        "location": "海老名本所 2階 表面分析室",
        "description": "めっき・塗装前処理面の汚染や酸化膜の厚さを評価します。",
        "description_en": "Evaluates contamination and oxide thickness of surfaces prepared for plating or painting.",
    },
    # --- SAITEC (straight hours)
    {
        "institution": "saitec",
        "category": "sem",
        "name": "走査電子顕微鏡 FlexSEM 1000 II",
        "name_en": "SEM FlexSEM 1000 II",
        "maker": "Hitachi High-Tech",
        "model": "FlexSEM 1000 II",
        "specs": {"分解能": "4.0 nm (20 kV)", "加速電圧": "0.3–20 kV", "付属": "EDS"},
        "location": "本館 2階 電子顕微鏡室",
        "description": "コンパクトなSEM。製品の表面観察と付着物の元素分析に使います。",
        "description_en": "Compact SEM for observing product surfaces and analysing the elements of deposits.",
        "schedule": SATURDAY,
    },
    {
        "institution": "saitec",
        "category": "icp-oes",
        "name": "ICP発光分光分析装置 ICPE-9820",
        "name_en": "ICP-OES ICPE-9820",
        "maker": "Shimadzu",
        "model": "ICPE-9820",
        "specs": {"波長範囲": "167–800 nm", "測光": "アキシャル・ラジアル", "アルゴン消費": "約 10 L/min"},
        "location": "本館 3階 化学分析室",
        "description": "金属・セラミックス・排水の元素分析を低ランニングコストで行います。",
        "description_en": "Element analysis of metals, ceramics and waste water at a low running cost.",
    },
    {
        "institution": "saitec",
        "category": "ftir",
        "name": "フーリエ変換赤外分光光度計 Spectrum Two",
        "name_en": "FT-IR Spectrum Two",
        "maker": "PerkinElmer",
        "model": "Spectrum Two",
        "specs": {"波数範囲": "8,300–350 cm⁻¹", "分解能": "0.5 cm⁻¹", "付属": "UATR"},
        "location": "本館 3階 化学分析室",
        "description": "樹脂・塗膜の材質判定に使う汎用FT-IRです。",
        "description_en": "General-purpose FT-IR for identifying resin and coating materials.",
    },
    {
        "institution": "saitec",
        "category": "thermal",
        "name": "示差走査熱量計 DSC7020",
        "name_en": "Differential scanning calorimeter DSC7020",
        "maker": "Hitachi High-Tech Science",
        "model": "DSC7020",
        "specs": {"温度範囲": "-150–725 ℃", "感度": "0.2 µW"},
        "location": "本館 3階 熱分析室",
        "description": "樹脂部品の融点・結晶化温度を測定し、材料の受入検査に使われています。",
        "description_en": (
            "Measures the melting point and crystallization temperature of resin parts; used for incoming inspection "
            "of materials."
        ),
    },
    {
        "institution": "saitec",
        "category": "psd",
        "name": "レーザー回折式粒子径分布測定装置 Mastersizer 3000",
        "name_en": "Particle size analyzer Mastersizer 3000",
        "maker": "Malvern Panalytical",
        "model": "Mastersizer 3000",
        "specs": {"測定範囲": "0.01–3,500 µm", "分散": "湿式 Hydro EV・乾式 Aero S"},
        "location": "本館 4階 粉体評価室",
        "description": "粉体・スラリーの粒度分布を測定します。",
        "description_en": "Measures the particle size distribution of powders and slurries.",
    },
    # --- 東京高専
    {
        "institution": "tokyo_kosen",
        "category": "afm",
        "name": "原子間力顕微鏡 AFM100",
        "name_en": "Atomic force microscope AFM100",
        "maker": "Hitachi High-Tech",
        "model": "AFM100",
        "specs": {"走査範囲": "20 µm × 20 µm", "Z範囲": "1.5 µm", "モード": "DFM・位相・KFM"},
        "location": "物質工学科棟 2階 分析室",
        "description": "薄膜や研磨面の表面粗さを測定します。",
        "description_en": "Measures the surface roughness of thin films and polished surfaces.",
    },
    {
        "institution": "tokyo_kosen",
        "category": "thermal",
        "name": "示差熱熱重量同時測定装置 DTG-60",
        "name_en": "Simultaneous TG-DTA DTG-60",
        "maker": "Shimadzu",
        "model": "DTG-60",
        "specs": {"温度範囲": "室温–1,100 ℃", "天秤": "上皿差動型"},
        "location": "物質工学科棟 2階 分析室",
        "description": "重量減少と熱の出入りを同時に測定し、材料の耐熱性を評価します。",
        "description_en": "Measures weight loss and heat flow at once to evaluate the heat resistance of materials.",
    },
]
