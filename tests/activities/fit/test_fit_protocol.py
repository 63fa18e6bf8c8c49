"""The FIT protocol's one home: the CRC (both implementations) and the base-type tables."""

from __future__ import annotations

import struct

from fitparse.records import Crc

from runwell.activities.fit.protocol import BASE_TYPE_SIZES, BASE_TYPE_STRUCT, crc16, fit_crc


def test_crc_matches_fitparse():
    data = bytes(range(256)) * 3
    assert fit_crc(data) == Crc.calculate(data)


def test_fast_crc_agrees_with_the_python_one():
    data = bytes(range(256)) * 3
    assert crc16(data) == fit_crc(data)
    whole = data + struct.pack("<H", fit_crc(data))
    assert crc16(whole) == 0  # a file with its stored CRC checks to zero


def test_struct_codes_have_the_base_types_sizes():
    for base, (code, _invalid) in BASE_TYPE_STRUCT.items():
        assert struct.calcsize(code) == BASE_TYPE_SIZES[base], hex(base)
