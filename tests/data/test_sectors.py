"""Sector vocabulary rules at the service and query layer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.errors import DuplicateError, InUseError, ValidationError
from tracker.models import Sector
from tracker.queries.sectors import all_sectors, sector_choices, sector_id_choices, sectors_with_counts
from tracker.records.sector import SectorData, slugify
from tracker.services.sectors import archive_sector, create_sector, update_sector

SEEDED = ["Electric vehicles", "Moulds and dies", "Renewable energy", "Technology"]


def sector_count(session) -> int:
    """How many sectors are stored."""
    return session.scalar(select(func.count()).select_from(Sector))


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Textiles", "textiles"),
        ("Moulds & Dies", "moulds-dies"),
        ("  Électricité  verte ", "electricite-verte"),
        ("Industry 4.0", "industry-4-0"),
        ("한국", ""),
        ("x" * 80, "x" * 64),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_create_sector_makes_a_slug_from_the_name(session):
    sector = create_sector(session, SectorData(name="Agro-industry", description="Food processing."))
    session.commit()
    assert (sector.slug, sector.description) == ("agro-industry", "Food processing.")


def test_create_sector_keeps_a_given_slug(session):
    sector = create_sector(session, SectorData(name="Halal industry", slug="halal"))
    assert sector.slug == "halal"


@pytest.mark.parametrize("slug", ["Halal", "halal industry", "halal_industry", "ḥalal"])
def test_create_sector_refuses_a_malformed_slug(session, slug):
    with pytest.raises(ValidationError) as caught:
        create_sector(session, SectorData(name="Halal industry", slug=slug))
    assert caught.value.field == "slug"


def test_create_sector_refuses_an_overlong_slug(session):
    with pytest.raises(ValidationError) as caught:
        create_sector(session, SectorData(name="Halal industry", slug="h" * 65))
    assert caught.value.field == "slug"


def test_name_without_latin_letters_needs_a_slug(session):
    with pytest.raises(ValidationError) as caught:
        create_sector(session, SectorData(name="반도체"))
    assert caught.value.field == "slug"
    sector = create_sector(session, SectorData(name="반도체", slug="semiconductors"))
    assert sector.name == "반도체"


def test_create_sector_requires_a_name(session):
    with pytest.raises(ValidationError) as caught:
        create_sector(session, SectorData(name=" "))
    assert caught.value.field == "name"


def test_sector_name_is_unique_in_any_case(session):
    with pytest.raises(DuplicateError) as caught:
        create_sector(session, SectorData(name="ELECTRIC  vehicles", slug="ev"))
    assert caught.value.field == "name"
    assert "Electric vehicles" in caught.value.message
    assert sector_count(session) == len(SEEDED)


def test_sector_slug_is_unique(session):
    with pytest.raises(DuplicateError) as caught:
        create_sector(session, SectorData(name="Technologies", slug="technology"))
    assert caught.value.field == "slug"
    assert "Technology" in caught.value.message


def test_update_sector_may_keep_or_change_its_name(session, get_sector):
    sector = get_sector("electric-vehicles")
    update_sector(session, sector, SectorData(name="Electric Vehicles", slug="electric-vehicles"))
    update_sector(session, sector, SectorData(name="Electric mobility", slug=""))
    session.commit()
    assert (sector.name, sector.slug) == ("Electric mobility", "electric-mobility")


def test_update_sector_refuses_another_sectors_name(session, get_sector):
    with pytest.raises(DuplicateError):
        update_sector(session, get_sector("technology"), SectorData(name="moulds and dies", slug="technology"))


def test_archive_unused_sector(session, make_sector):
    sector = make_sector(name="Textiles")
    archive_sector(session, sector)
    session.commit()
    assert sector_count(session) == len(SEEDED)


def test_archive_sector_used_by_agreements_names_them(session, get_sector, make_agreement):
    sector = get_sector("moulds-and-dies")
    make_agreement(title="AITEC moulds cooperation", sectors=[sector])
    with pytest.raises(InUseError) as caught:
        archive_sector(session, sector)
    assert "cannot be archived" in caught.value.message
    assert "AITEC moulds cooperation" in caught.value.message
    assert caught.value.status_code == 409


def test_archive_sector_used_by_many_agreements_counts_the_rest(session, get_sector, make_agreement):
    sector = get_sector("technology")
    for number in range(1, 9):
        make_agreement(title=f"Agreement {number}", sectors=[sector])
    with pytest.raises(InUseError) as caught:
        archive_sector(session, sector)
    assert "and 3 more" in caught.value.message


def test_sector_queries(session, get_sector, make_agreement):
    make_agreement(sectors=[get_sector("technology"), get_sector("moulds-and-dies")])
    make_agreement(title="Another", sectors=[get_sector("technology")])
    assert [sector.name for sector in all_sectors(session)] == SEEDED
    assert sector_choices(session)[0] == ("electric-vehicles", "Electric vehicles")
    assert sector_id_choices(session)[0] == (get_sector("electric-vehicles").id, "Electric vehicles")
    counts = {sector.slug: count for sector, count in sectors_with_counts(session)}
    assert counts == {"electric-vehicles": 0, "moulds-and-dies": 1, "renewable-energy": 0, "technology": 2}
