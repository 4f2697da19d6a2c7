"""The demo institutions' billing details (docs/fees.md, "Where and when to pay"): fictional accounts at the banks
such institutions use, the payment terms they write on their bills, how long their quotations hold and their
accounting offices. One institution (北海道TLO) has not registered an account, so its invoices show what a company
reads then. Set through the administrators' service, once: an institution that has details keeps them.

Payment terms, as these institutions write them: the national research institute and the incorporated bodies bill
to the end of the following month (翌月末); national universities and kosen within 30 days of the invoice; the
prefectural public testing institutes within 20 days (the 納入通知書 of a local government's incorporated body).
"""

from consortia import services as consortia_services
from consortia.models import BillingDetails

# key: (bank, branch, type, number, holder, term, days, quotation days, department, phone)
BILLING = {
    "aist": ("三井住友銀行", "つくば支店", "ordinary", "1200001",
             "コクリツケンキユウカイハツホウジン サンギヨウギジユツソウゴウケンキユウシヨ",
             "end_of_next_month", 30, 30, "北海道センター 産学官連携推進室 会計担当", "011-857-8400"),
    "hokudai": ("北洋銀行", "札幌中央支店", "ordinary", "1200002", "コクリツダイガクホウジン ホツカイドウダイガク",
                "days_after_issue", 30, 30, "財務部 経理課 収入係", "011-706-2067"),
    "muroran": ("北海道銀行", "室蘭支店", "ordinary", "1200003", "コクリツダイガクホウジン ムロランコウギヨウダイガク",
                "days_after_issue", 30, 30, "財務課 経理係", "0143-46-5050"),
    "tomakomai": ("苫小牧信用金庫", "本店営業部", "ordinary", "1200004",
                  "ドク）コクリツコウトウセンモンガツコウキコウ トマコマイコウギヨウコウトウセンモンガツコウ",
                  "days_after_issue", 30, 30, "総務課 財務係", "0144-67-8900"),
    "doken": ("北洋銀行", "道庁支店", "ordinary", "1200005", "チホウドクリツギヨウセイホウジン ホツカイドウリツソウゴウケンキユウキコウ",
              "days_after_issue", 20, 60, "工業試験場 技術支援課 機器開放担当", "011-747-2345"),
    "hokkaido_tlo": ("", "", "", "", "", "end_of_next_month", 30, 30, "業務部", "011-708-3633"),
    "tuat": ("みずほ銀行", "府中支店", "ordinary", "1200007", "コクリツダイガクホウジン トウキヨウノウコウダイガク",
             "days_after_issue", 30, 30, "財務課 収入係", "042-367-5504"),
    "tiri": ("みずほ銀行", "青梅支店", "current", "1200008", "チホウドクリツギヨウセイホウジン トウキヨウトリツサンギヨウギジユツケンキユウセンタ－",
             "days_after_issue", 20, 60, "経営企画部 財務課", "03-5530-2111"),
    "kistec": ("横浜銀行", "海老名支店", "ordinary", "1200009", "チホウドクリツギヨウセイホウジン カナガワケンリツサンギヨウギジユツソウゴウケンキユウシヨ",
               "days_after_issue", 20, 60, "総務部 経理課", "046-236-1500"),
    "saitec": ("埼玉りそな銀行", "川口支店", "ordinary", "1200010", "サイタマケンサンギヨウギジユツソウゴウセンタ－",
               "days_after_issue", 20, 90, "技術支援室 依頼試験担当", "048-265-1311"),
    "tokyo_kosen": ("多摩信用金庫", "八王子支店", "ordinary", "1200011",
                    "ドク）コクリツコウトウセンモンガツコウキコウ トウキヨウコウギヨウコウトウセンモンガツコウ",
                    "days_after_issue", 30, 30, "総務課 財務係", "042-668-5111"),
    "tama_kyokai": ("多摩信用金庫", "本店営業部", "ordinary", "1200012", "イツパンシヤダンホウジン シユトケンサンギヨウカツセイカキヨウカイ",
                    "end_of_next_month", 30, 30, "事業推進部", "042-631-1140"),
}  # fmt: skip  # table: one institution a row


def seed_billing_details(*, actor, institutions: dict) -> int:
    """Each demo institution's billing details, unless it has some. Returns how many were set."""
    created = 0
    for key, row in BILLING.items():
        institution = institutions[key]
        if BillingDetails.objects.filter(institution=institution).exists():
            continue
        bank, branch, kind, number, holder, term, days, valid, department, phone = row
        consortia_services.update_institution_details(
            actor=actor,
            institution=institution,
            bank_name=bank,
            bank_branch=branch,
            account_type=kind,
            account_number=number,
            account_holder=holder,
            payment_term=term,
            payment_days=days,
            quotation_valid_days=valid,
            contact_department=department,
            contact_phone=phone,
            contact_email=f"{key.replace('_', '-')}-kaikei@example.jp",
        )
        created += 1
    return created
