"""Pure rules of registration: the 中小企業基本法 criteria a company's size is chosen by (no ORM, no request)."""

from django.utils.translation import gettext_lazy as _

# 中小企業基本法 第2条: a company is an SME (中小企業) when its capital OR its regular employees are within the limit
# of its industry. Shown beside the size choice of the registration form and described in the API schema.
SME_CRITERIA = [
    (_("Manufacturing, construction, transport and others"), _("300 million yen or less"), _("300 or fewer")),
    (_("Wholesale"), _("100 million yen or less"), _("100 or fewer")),
    (_("Services"), _("50 million yen or less"), _("100 or fewer")),
    (_("Retail"), _("50 million yen or less"), _("50 or fewer")),
]


def sme_criteria() -> list[dict]:
    """The criteria as rows of the page's language: industry, capital limit, employee limit."""
    return [
        {"industry": str(industry), "capital": str(capital), "employees": str(employees)}
        for industry, capital, employees in SME_CRITERIA
    ]
