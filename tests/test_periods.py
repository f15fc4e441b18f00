"""Period codes of the time slider (at=2026-01, at=2026-W03): ISO weeks and months, both ways."""

from datetime import date


def test_period_codes_name_iso_weeks_and_months_and_parse_back():
    from incidents.periods import parse_period, period_code, period_codes
    assert period_code(date(2026, 1, 1), "week") == "2026-W01" and period_code(date(2025, 12, 29), "week") == "2026-W01"
    assert period_code(date(2026, 1, 31), "month") == "2026-01"
    assert parse_period("2026-W01") == (date(2025, 12, 29), date(2026, 1, 4), "week")
    assert parse_period("2024-02") == (date(2024, 2, 1), date(2024, 2, 29), "month")
    assert parse_period("2025-W53") is None and parse_period("2026-00") is None and parse_period("Jan") is None
    assert period_codes(date(2025, 11, 15), date(2026, 2, 1), "month") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    weeks = period_codes(date(2025, 12, 20), date(2026, 1, 10), "week")
    assert weeks == ["2025-W51", "2025-W52", "2026-W01", "2026-W02"]
