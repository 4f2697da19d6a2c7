"""Demo data of the one-stop consultation service, called by `seed_demo` (see its `seed_extensions`).

Expert profiles are written through the service, as their staff would. The consultations are historical
fixtures: written directly in their final state (received days ago, referred, answered, closed), with the
suggestions the matcher makes today, and without e-mails (nobody is told of events that are long past).
Idempotent: an existing expert profile, or a consultation of the same company and title, is skipped.
"""

from datetime import timedelta

from django.utils import timezone

from consultations import selectors, services
from consultations.models import Consultation, ExpertProfile, Message, Referral
from consultations.workdays import first_answer_fields

# username: (institution key, listed, keywords, bio, [(institution key, model) of the instruments run])
EXPERTS = {
    "staff": (
        "aist",
        True,
        "電子顕微鏡 表面観察 破断面 破面解析 元素分析 EDS 結晶構造 X線回折 X線CT",
        "産総研 北海道センターで電子顕微鏡・X線回折装置・X線CTを担当。金属や樹脂部品の破断面解析、"
        "内部欠陥の非破壊観察のご相談を多くお受けしています。",
        [("aist", "JSM-IT800"), ("aist", "SmartLab 9kW"), ("aist", "XT H 225")],
    ),
    "staff2": (
        "tiri",
        True,
        "異物分析 赤外分光 顕微IR 熱分析 樹脂 材質判定 RoHS 有害元素",
        "都産技研で製品トラブルの原因調査を担当。異物・付着物の同定、樹脂の材質判定、RoHS分析が専門です。",
        [("tiri", "AIM-9000 / IRTracer-100"), ("tiri", "Discovery DSC 2500"), ("tiri", "5110 SVDV")],
    ),
    "staff3": (
        "doken",
        True,
        "金属元素 定量 めっき液 排水 ICP 鋳造 非破壊検査 X線CT",
        "道総研 工業試験場で化学分析と非破壊検査を担当。めっき液・排水中の金属元素の定量、"
        "鋳物の内部欠陥の評価を行っています。",
        [("doken", "iCAP PRO XP Duo"), ("doken", "inspeXio SMX-225CT FPD HR Plus")],
    ),
    "staff4": (  # not listed: staff choose whether they appear in the directory
        "hokudai",
        False,
        "NMR 構造解析 天然物",
        "北海道大学でNMRを担当しています。",
        [("hokudai", "AVANCE III HD 600")],
    ),
}

# Each consultation: who asked for which company, where, the text, and its history in days before today.
CONSULTATIONS = [
    {
        "requester": "company",
        "company": "ishikari",
        "consortium": "hokkaido",
        "title": "樹脂成形品の破断面を観察したい",
        "description": (
            "射出成形したPP樹脂部品の一部で、出荷後に割れが発生しました。樹脂の破断面を観察して、"
            "割れの起点や原因を調べたいのですが、どちらに相談すればよいでしょうか。"
        ),
        "received_hours_ago": 3,
    },
    {
        "requester": "company",
        "company": "ishikari",
        "consortium": "hokkaido",
        "title": "はんだ接合部の内部にボイドがないか調べたい",
        "description": (
            "車載用の基板で、はんだ接合部の内部にボイド（空隙）がないか、壊さずに確認したいと考えています。"
            "試料は 100 mm 角程度の基板です。"
        ),
        "received_days_ago": 3,
        "referrals": [
            {
                "by": "coordinator",
                "institution": "aist",
                "days_ago": 2,
                "note": "X線CTでの非破壊観察が適当と思われます。鈴木さん、ご対応をお願いします。",
                "instruments": [("aist", "XT H 225")],
                "experts": ["staff"],
            },
            {
                "by": "coordinator",
                "institution": "tiri",  # a member of the other consortium only: wide-area cooperation
                "days_ago": 2,
                "note": "サブミクロンの微小ボイドであれば、都産技研のX線顕微鏡も候補です（広域連携）。",
                "instruments": [("tiri", "Xradia 520 Versa")],
                "experts": [],
            },
        ],
    },
    {
        "requester": "company",
        "company": "ishikari",
        "consortium": "hokkaido",
        "title": "めっき液中の微量な金属元素を定量したい",
        "description": (
            "自社のニッケルめっきラインで、めっき液中の微量な金属元素（銅・亜鉛・鉄）を定量し、"
            "不良との関係を調べたいと考えています。配合は社外秘のため非公開でお願いします。"
        ),
        "confidential": True,
        "received_days_ago": 6,
        "referrals": [
            {
                "by": "coordinator",
                "institution": "doken",
                "days_ago": 5,
                "note": "ICP発光分光分析での定量をご相談ください。",
                "instruments": [("doken", "iCAP PRO XP Duo")],
                "experts": ["staff3"],
            }
        ],
        "messages": [
            (
                "staff3",
                4,
                "ICP発光分光分析装置で多元素同時に定量できます。めっき液は希釈して測定しますので、"
                "50 mL ほどお送りください。依頼分析で1検体あたり4,000円（税抜）です。",
            ),
            ("company", 4, "ありがとうございます。来週、試料3点をお送りします。"),
        ],
    },
    {
        "requester": "company2",
        "company": "musashino",
        "consortium": "tama",
        "title": "製品に付着した異物の正体を知りたい",
        "description": (
            "電子部品のコネクタ表面に、数十µmの白い異物が付着していることがあります。"
            "異物が何なのかを同定して、工程のどこで混入したのか調べたいです。"
        ),
        "received_days_ago": 20,
        "referrals": [
            {
                "by": "coordinator2",
                "institution": "tiri",
                "days_ago": 19,
                "note": "顕微IRによる異物の同定をお願いします。",
                "instruments": [("tiri", "AIM-9000 / IRTracer-100")],
                "experts": ["staff2"],
            }
        ],
        "messages": [
            (
                "staff2",
                18,
                "赤外顕微鏡で測定したところ、シリコーン系の樹脂と一致しました。離型剤の可能性が高いと考えます。",
            ),
            ("company2", 17, "工程を確認したところ、離型剤の付着が原因でした。ありがとうございました。"),
        ],
        "closed": ("resolved", 12),
    },
]


def seed(seeder) -> None:
    _seed_experts(seeder)
    _seed_consultations(seeder)


def _seed_experts(seeder) -> None:
    created = 0
    for username, (inst_key, listed, keywords, bio, instruments) in EXPERTS.items():
        user = seeder.users[username]
        if ExpertProfile.objects.filter(user=user).exists():
            continue
        services.save_expert_profile(
            actor=user,
            institution=seeder.institutions[inst_key],
            listed=listed,
            keywords=keywords,
            bio=bio,
            instruments=[seeder.instruments[key] for key in instruments],
        )
        created += 1
    listed = sum(1 for row in EXPERTS.values() if row[1])
    seeder.report("専門家 (experts)", len(EXPERTS), created, f"、名簿に掲載 {listed} 名")


def _seed_consultations(seeder) -> None:
    now = timezone.now()
    created = 0
    for row in CONSULTATIONS:
        requester = seeder.users[row["requester"]]
        company = seeder.companies[row["company"]]
        if Consultation.objects.filter(company=company, title=row["title"]).exists():
            continue
        consortium = seeder.consortia[row["consortium"]]
        received = now - timedelta(days=row.get("received_days_ago", 0), hours=row.get("received_hours_ago", 0))
        consultation = Consultation.objects.create(
            company=company,
            requester=requester,
            consortium=consortium,
            title=row["title"],
            description=row["description"],
            confidential=row.get("confidential", False),
            created_at=received,
            suggestions=selectors.suggestions_for(
                selectors.problem_text(row["title"], row["description"]), consortium_id=consortium.id
            ),
        )
        _history(seeder, consultation, row, now)
        created += 1
    seeder.report("技術相談 (consultations)", len(CONSULTATIONS), created)


def _history(seeder, consultation: Consultation, row: dict, now) -> None:
    """Referrals, messages and the close, each at its day, with the dates and figures the services record."""
    referrals = {}
    for item in row.get("referrals", ()):
        at = now - timedelta(days=item["days_ago"])
        referral = Referral.objects.create(
            consultation=consultation,
            institution=seeder.institutions[item["institution"]],
            referred_by=seeder.users[item["by"]],
            note=item["note"],
            created_at=at,
        )
        referral.instruments.set([seeder.instruments[key] for key in item["instruments"]])
        referral.experts.set(ExpertProfile.objects.filter(user__username__in=item["experts"]))
        referrals[referral.institution_id] = referral
        consultation.first_referred_at = min(filter(None, [consultation.first_referred_at, at]))
        consultation.status = Consultation.Status.REFERRED
    for index, (username, days_ago, body) in enumerate(row.get("messages", ())):
        at = now - timedelta(days=days_ago) + timedelta(hours=1 + index)
        author = seeder.users[username]
        staff_institutions = set(author.roles.filter(kind="staff").values_list("institution_id", flat=True))
        referral = next((r for i, r in referrals.items() if i in staff_institutions), None)
        side = Message.Side.STAFF if referral else Message.Side.COMPANY
        Message.objects.create(
            consultation=consultation,
            author=author,
            side=side,
            institution=referral.institution if referral else None,
            body=body,
            created_at=at,
        )
        if referral and referral.first_answered_at is None:
            answer = first_answer_fields(referral.created_at, at)
            for name, value in answer.items():
                setattr(referral, name, value)
            referral.save(update_fields=list(answer))
        if referral and consultation.first_answered_at is None:
            consultation.status = Consultation.Status.ANSWERED
            for name, value in first_answer_fields(consultation.created_at, at, with_response_time=True).items():
                setattr(consultation, name, value)
    if "closed" in row:
        outcome, days_ago = row["closed"]
        consultation.status = Consultation.Status.CLOSED
        consultation.outcome = outcome
        consultation.closed_at = now - timedelta(days=days_ago)
    consultation.save()
