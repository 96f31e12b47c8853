"""One scenario, three vendors: replayed from each vendor's cassette.

Each run must report the same neutral facts (``EXPECTED_FACTS``) for every
step its vendor supports, and must refuse exactly the steps its capability
matrix says it cannot do.
"""

from __future__ import annotations

from engage_testing.contract import ContractSuite


class TestSalesloftContract(ContractSuite):
    vendor = "salesloft"


class TestOutreachContract(ContractSuite):
    vendor = "outreach"


class TestSalesforceContract(ContractSuite):
    vendor = "salesforce"
