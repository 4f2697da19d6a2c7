"""Generated files for the demo data: an instrument photo (Pillow) and a PDF manual (reportlab)."""

import io

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

# --- Photos -------------------------------------------------------------------------------------

PHOTO_SIZE = (800, 600)
COLOURS = {
    "sem": (40, 90, 150),
    "tem": (60, 60, 130),
    "xrd": (150, 80, 40),
    "nmr": (30, 120, 110),
    "icp-ms": (130, 40, 90),
    "icp-oes": (160, 60, 110),
    "ftir": (70, 130, 50),
    "xct": (110, 70, 30),
    "xps": (90, 50, 140),
    "gcms": (40, 110, 150),
    "thermal": (170, 90, 30),
    "afm": (50, 100, 80),
    "raman": (120, 40, 40),
    "tensile": (80, 80, 80),
    "psd": (100, 110, 40),
}
SHAPES = {
    "sem": "column",
    "tem": "column",
    "afm": "column",
    "nmr": "magnet",
    "tensile": "frame",
    "xrd": "cabinet",
    "xct": "cabinet",
    "xps": "cabinet",
}


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def instrument_photo(*, category_code: str, model: str, maker: str) -> bytes:
    """An 800×600 JPEG: a coloured panel with a sketch of the kind of instrument and its category code."""
    base = COLOURS.get(category_code, (70, 90, 110))
    im = Image.new("RGB", PHOTO_SIZE, base)
    draw = ImageDraw.Draw(im)
    light = tuple(min(255, c + 150) for c in base)
    dark = tuple(max(0, c - 30) for c in base)
    draw.rectangle((0, 470, 800, 600), fill=dark)  # floor
    draw.rectangle((60, 400, 740, 430), fill=(200, 200, 205))  # bench top
    draw.rectangle((80, 430, 100, 560), fill=(170, 170, 175))
    draw.rectangle((700, 430, 720, 560), fill=(170, 170, 175))
    shape = SHAPES.get(category_code, "box")
    if shape == "column":  # an electron column on a console
        draw.rectangle((150, 300, 400, 400), fill=light, outline="white", width=3)
        draw.rounded_rectangle((235, 90, 315, 300), radius=20, fill=(235, 235, 240), outline="white", width=3)
        draw.ellipse((220, 250, 330, 320), fill=(210, 210, 220), outline="white", width=3)
    elif shape == "magnet":  # a superconducting magnet
        draw.ellipse((150, 110, 390, 170), fill=(225, 225, 230))
        draw.rectangle((150, 140, 390, 380), fill=(225, 225, 230))
        draw.ellipse((150, 350, 390, 410), fill=(205, 205, 215))
        draw.rectangle((250, 60, 290, 140), fill=(180, 180, 190))
    elif shape == "frame":  # a load frame with its crosshead
        draw.rectangle((160, 360, 420, 400), fill=light)
        draw.rectangle((180, 80, 210, 360), fill=(220, 220, 225))
        draw.rectangle((370, 80, 400, 360), fill=(220, 220, 225))
        draw.rectangle((160, 60, 420, 100), fill=light)
        draw.rectangle((170, 200, 410, 230), fill=(250, 200, 60))
    elif shape == "cabinet":  # a shielded cabinet with a lead-glass window
        draw.rounded_rectangle((130, 100, 450, 400), radius=12, fill=light, outline="white", width=3)
        draw.rectangle((180, 150, 400, 300), fill=(60, 70, 60), outline="white", width=3)
        draw.ellipse((410, 120, 430, 140), fill=(250, 200, 60))
    else:  # a benchtop spectrometer
        draw.rounded_rectangle((130, 230, 450, 400), radius=12, fill=light, outline="white", width=3)
        draw.rectangle((160, 260, 300, 300), fill=(60, 70, 80))
        draw.ellipse((360, 270, 410, 320), fill=(220, 220, 230), outline="white", width=2)
    # a PC monitor
    draw.rectangle((520, 230, 700, 350), fill=(30, 30, 35), outline=(220, 220, 220), width=4)
    draw.line((540, 320, 580, 280, 620, 300, 680, 250), fill=(120, 230, 140), width=3)
    draw.rectangle((600, 350, 620, 400), fill=(120, 120, 125))
    label, size = category_code.upper(), 72
    while size > 24 and draw.textlength(label, font=_font(size)) > 800 - 490 - 20:
        size -= 6
    draw.text((490, 60), label, fill="white", font=_font(size))
    draw.text((490, 150), _ascii(model)[:22], fill="white", font=_font(28))
    draw.text((40, 520), _ascii(maker) or "Kyoyo demo", fill=light, font=_font(24))
    out = io.BytesIO()
    im.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _ascii(text: str) -> str:
    """The Latin part of a label: the default bitmap font has no Japanese glyphs."""
    if "(" in text and text.endswith(")"):
        text = text[text.rindex("(") + 1 : -1]
    return "".join(ch for ch in text if ch.isascii()).strip()


# --- Manuals ------------------------------------------------------------------------------------

FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

SAFETY = {
    "sem": [
        "高電圧を使用します。カバーを外したり、電源部に触れたりしないでください。",
        "試料室の大気開放・真空排気は画面の表示に従い、試料ホルダーの高さ制限を必ず確認してください。",
        "磁性試料・脱ガスの多い試料は事前に担当者へ相談してください。",
    ],
    "tem": [
        "高電圧と液体窒素を使用します。液体窒素の取扱いでは保護手袋・保護眼鏡を着用してください。",
        "試料ホルダーの抜き差しは担当者の指示に従ってください。",
    ],
    "xrd": [
        "X線装置です。扉のインターロックを無効にしないでください。",
        "管理区域への立入りには事前の登録と個人線量計の着用が必要です。",
    ],
    "xct": [
        "X線装置です。扉のインターロックを無効にしないでください。",
        "管理区域への立入りには事前の登録と個人線量計の着用が必要です。",
        "重量物の試料は台車を使い、ステージの耐荷重を超えないようにしてください。",
    ],
    "nmr": [
        "強磁場装置です。心臓ペースメーカー等の医療機器を装着している方は5ガウスライン内に入らないでください。",
        "磁性体（工具・時計・カード類）を磁石に近づけないでください。",
        "液体ヘリウム・液体窒素の補充は担当者が行います。",
    ],
    "icp-ms": [
        "高周波とアルゴンガスを使用します。プラズマ点灯中はトーチボックスを開けないでください。",
        "酸を含む試料溶液の調製はドラフト内で行い、保護具を着用してください。",
    ],
    "icp-oes": [
        "高周波とアルゴンガスを使用します。プラズマ点灯中はトーチボックスを開けないでください。",
        "酸を含む試料溶液の調製はドラフト内で行い、保護具を着用してください。",
    ],
    "gcms": [
        "高温部（注入口・オーブン）に触れないでください。",
        "キャリアガス（ヘリウム）のボンベ操作は担当者が行います。",
    ],
    "xps": [
        "超高真空装置です。試料導入は手順書どおりに行い、手袋を着用してください。",
        "X線源・イオン銃の操作は担当者が行います。",
    ],
    "tensile": [
        "試験中は試験機の可動部に手を入れないでください。破断片の飛散に備え保護眼鏡を着用してください。",
        "最大荷重を超える試験は行わないでください。",
    ],
    "thermal": ["高温になる炉体に触れないでください。", "分解ガスが有毒となる試料は事前に担当者へ申し出てください。"],
    "raman": ["レーザー光を直接または反射光で見ないでください。レーザー保護眼鏡を使用してください。"],
    "afm": ["カンチレバーは破損しやすいため、アプローチは必ず自動モードで行ってください。"],
}
COMMON_SAFETY = [
    "初めて利用する方は、必ず担当者の講習を受けてから利用してください。",
    "異常・故障を発見した場合は直ちに操作を中止し、担当者へ連絡してください。",
]

STEPS = [
    "予約時刻の10分前までに受付で入館手続きを行い、利用記録簿に記入します。",
    "装置の状態（真空度・温度・エラー表示）を確認し、前の利用者の記録を確認します。",
    "試料を所定のホルダーに固定し、試料情報をソフトウェアに入力します。",
    "測定条件を設定し、予備測定で条件を確認してから本測定を行います。",
    "データを所定のフォルダに保存し、持ち出しは担当者の許可したメディアで行います。",
    "試料を取り出し、装置を待機状態に戻して、利用記録簿に終了時刻を記入します。",
    "利用後7日以内に利用報告書を提出してください（成果非公開の場合も提出が必要です）。",
]


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Break Japanese text into lines that fit `width` (no spaces to break at: per character)."""
    lines, line = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, FONT, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return lines + [line] if line else lines


def instrument_manual(
    *,
    instrument_name: str,
    maker: str,
    model: str,
    institution: str,
    location: str,
    category_code: str,
    category_name: str,
    specs: dict,
    version: str,
) -> bytes:
    """A one- or two-page A4 manual in Japanese, a real PDF (CID font, no embedding needed)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    pdf.setTitle(f"{instrument_name} 利用マニュアル 第{version}版")
    pdf.setAuthor(institution)
    pdf.setSubject("Kyoyo demo manual")
    width, height = A4
    left, right, bottom = 20 * mm, width - 20 * mm, 20 * mm
    y = height - 25 * mm

    def line(text: str, size: float = 10.5, indent: float = 0, gap: float = 1.6):
        nonlocal y
        for part in _wrap(text, size, right - left - indent):
            if y < bottom:
                pdf.showPage()
                y = height - 20 * mm
            pdf.setFont(FONT, size)
            pdf.drawString(left + indent, y, part)
            y -= size * gap

    line(f"{instrument_name}", 16, gap=1.8)
    line(f"利用マニュアル（第{version}版）", 13, gap=2.2)
    pdf.setLineWidth(0.8)
    pdf.line(left, y + 8, right, y + 8)
    line(f"機関: {institution}")
    line(f"設置場所: {location}")
    line(f"メーカー・型式: {maker} {model}")
    line(f"分類: {category_name}", gap=2.4)
    line("1. 主な仕様", 12.5, gap=1.9)
    for key, value in specs.items():
        line(f"・{key}: {value}", indent=4 * mm)
    y -= 6
    line("2. 安全上の注意", 12.5, gap=1.9)
    for note in SAFETY.get(category_code, []) + COMMON_SAFETY:
        line(f"・{note}", indent=4 * mm)
    y -= 6
    line("3. 基本操作手順", 12.5, gap=1.9)
    for number, step in enumerate(STEPS, start=1):
        line(f"({number}) {step}", indent=4 * mm)
    y -= 6
    line("4. 予約・問い合わせ", 12.5, gap=1.9)
    line(
        "予約はKyoyoの機器ページから申し込んでください。自己操作には操作資格（講習修了）が必要な場合があります。",
        indent=4 * mm,
    )
    if version != "1.0":
        y -= 6
        line("改訂履歴", 12.5, gap=1.9)
        line("第1.0版 初版", indent=4 * mm)
        line(f"第{version}版 安全上の注意と利用報告書の提出期限を追記", indent=4 * mm)
    pdf.setFont(FONT, 8)
    pdf.drawString(left, 12 * mm, f"Kyoyo デモデータ — {institution}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
