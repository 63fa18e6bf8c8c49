"""Apple Health export.xml SleepAnalysis."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from runwell import InputError, read_sleep


def test_watch_and_iphone_deduplicated_by_source(data, check) -> None:
    res = read_sleep(data / "apple_sleep.xml", tz="Europe/London")
    check(res, "sleep")
    assert res.format == "apple_health"
    night = res.sleep[res.sleep["wake_date"] == "2024-01-15"].set_index("is_nap")
    main = night.loc[False]
    assert main["sleep_start"] == pd.Timestamp("2024-01-14 23:10", tz="UTC")
    assert main["sleep_end"] == pd.Timestamp("2024-01-15 06:30", tz="UTC")
    assert main["asleep_h"] == pytest.approx(7 + 10 / 60)  # Watch stages, not iPhone 7h45
    assert main["in_bed_h"] == pytest.approx(8.5)
    assert main["efficiency"] == pytest.approx((7 + 10 / 60) / 8.5)
    assert main["deep_h"] == pytest.approx(1.0)
    assert main["light_h"] == pytest.approx(1 + 50 / 60 + 3.5)  # Core
    assert main["rem_h"] == pytest.approx(50 / 60)
    assert main["awake_h"] == pytest.approx(10 / 60)
    nap = night.loc[True]
    assert nap["asleep_h"] == pytest.approx(40 / 60)
    report = res.report.set_index("row")
    assert report.loc[2, "kind"] == "duplicate" and "iPhone" in report.loc[2, "reason"]
    assert report.loc[9, "kind"] == "error" and "Dozing" in report.loc[9, "reason"]
    assert (res.rows_read, res.rows_loaded, res.rows_reported) == (10, 8, 2)


def test_old_asleep_value_and_offsets(data) -> None:
    res = read_sleep(data / "apple_sleep.xml")
    old = res.sleep[res.sleep["wake_date"] == "2023-06-02"].iloc[0]
    assert old["sleep_start"] == pd.Timestamp("2023-06-01 22:00", tz="UTC")
    assert old["tz"] == "UTC+01:00"  # no tz given: the record's own offset


def test_zip_export(data, tmp_path, check) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.write(data / "apple_sleep.xml", "apple_health_export/export.xml")
    res = read_sleep(archive, tz="Europe/London")
    check(res, "sleep")
    assert res.format == "apple_health" and len(res.sleep) == 3


def test_malformed_xml(tmp_path) -> None:
    path = tmp_path / "export.xml"
    path.write_text('<?xml version="1.0"?>\n<HealthData locale="en">\n<Record type="x"')
    with pytest.raises(InputError, match="not well-formed XML"):
        read_sleep(path)


def _big_export(path: Path, n: int) -> None:
    rec = (
        '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" '
        'startDate="2024-01-01 00:00:00 +0000" endDate="2024-01-01 00:00:00 +0000" value="60">'
        '<MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/></Record>\n'
    )
    sleep = (
        '<Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" '
        'startDate="2024-01-0{d} 23:00:00 +0000" endDate="2024-01-0{e} 07:00:00 +0000" '
        'value="HKCategoryValueSleepAnalysisAsleepUnspecified"/>\n'
    )
    with open(path, "w") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n')
        for day in range(1, 4):
            fh.write(rec * (n // 3))
            fh.write(sleep.format(d=day, e=day + 1))
        fh.write("</HealthData>\n")


def test_streaming_memory_is_bounded(tmp_path) -> None:
    path = tmp_path / "export.xml"
    _big_export(path, 30_000)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        res = read_sleep(path, tz="UTC")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(res.sleep) == 3
    # A parsed tree would hold every element (many times the file size); streaming keeps
    # a small fraction of it.
    assert peak < size / 10, (peak, size)
