"""Release.parse and Release.text are inverses at every precision and in any zone."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.release import Precision, Release

ZONES = st.sampled_from(["Asia/Seoul", "UTC", "America/New_York", "Europe/London"])
# Minutes that a DST gap skips do not exist locally; whole hours 10-20 never fall in one.
MOMENTS = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 12, 30)).map(
    lambda d: d.replace(hour=10 + d.hour % 10, second=0, microsecond=0)
)


@given(MOMENTS, st.sampled_from(list(Precision)), ZONES)
def test_text_parses_back_to_the_same_release(moment: datetime, precision: Precision, tz: str):
    text = {
        Precision.YEAR: f"{moment.year:04d}",
        Precision.MONTH: f"{moment.year:04d}-{moment.month:02d}",
        Precision.DAY: moment.date().isoformat(),
        Precision.MINUTE: moment.strftime("%Y-%m-%dT%H:%M"),
    }[precision]
    release = Release.parse(text, precision, tz)
    assert release.text() == text
    assert Release.parse(release.text(), release.precision, release.tz) == release


def test_a_release_built_from_stored_text_behaves_like_one_built_from_the_enum():
    from bot.domain.release import Precision, Release

    stored = Release(1647961200, "day", "Asia/Seoul")
    assert stored.precision is Precision.DAY
    assert stored.text() == "2022-03-23"
    assert stored == Release(1647961200, Precision.DAY, "Asia/Seoul")
