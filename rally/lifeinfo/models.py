"""Places of daily life the association keeps, their hours, and residents' corrections."""

from datetime import date, datetime, time

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rally.extensions import db
from rally.i18n import Translated, _l
from rally.i18n.content import translated_column
from rally.i18n.enums import TitledEnum
from rally.utils import utcnow


def member(cls, value):
    """The member of the enum ``cls`` whose value is ``value``, or None (any other input)."""
    return cls._value2member_map_.get(value) if isinstance(value, str) else None


def _labels(cls, values) -> list[str]:
    """The translated titles of the known ``values`` of enum ``cls``, in the enum's order."""
    return [each.label for each in cls if each.value in (values or ())]


def _enum(cls, length: int = 20):
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class LifeKind(TitledEnum):
    clinic = "clinic"
    hospital = "hospital"
    playground = "playground"
    park = "park"
    childcare = "childcare"
    shelter = "shelter"

    @classmethod
    def _titles(cls):
        return {
            cls.clinic: _l("Clinic"),
            cls.hospital: _l("Hospital"),
            cls.playground: _l("Playground"),
            cls.park: _l("Park"),
            cls.childcare: _l("Child care"),
            cls.shelter: _l("Evacuation shelter"),
        }


class Department(TitledEnum):
    internal = "internal"
    pediatrics = "pediatrics"
    dental = "dental"
    surgery = "surgery"
    orthopedics = "orthopedics"
    dermatology = "dermatology"
    ophthalmology = "ophthalmology"
    ent = "ent"
    obstetrics = "obstetrics"

    @classmethod
    def _titles(cls):
        return {
            cls.internal: _l("Internal medicine"),
            cls.pediatrics: _l("Pediatrics"),
            cls.dental: _l("Dentistry"),
            cls.surgery: _l("Surgery"),
            cls.orthopedics: _l("Orthopedics"),
            cls.dermatology: _l("Dermatology"),
            cls.ophthalmology: _l("Ophthalmology"),
            cls.ent: _l("Ear, nose and throat"),
            cls.obstetrics: _l("Obstetrics and gynecology"),
        }


class Facility(TitledEnum):
    toilet = "toilet"
    nursing_room = "nursing_room"
    diaper_changing = "diaper_changing"
    wheelchair = "wheelchair"
    stroller = "stroller"
    parking = "parking"
    english = "english"

    @classmethod
    def _titles(cls):
        return {
            cls.toilet: _l("Toilet"),
            cls.nursing_room: _l("Nursing room"),
            cls.diaper_changing: _l("Diaper changing"),
            cls.wheelchair: _l("Wheelchair access"),
            cls.stroller: _l("Stroller friendly"),
            cls.parking: _l("Parking"),
            cls.english: _l("English spoken"),
        }


class Hazard(TitledEnum):
    flood = "flood"
    landslide = "landslide"
    earthquake = "earthquake"
    fire = "fire"
    tsunami = "tsunami"

    @classmethod
    def _titles(cls):
        return {
            cls.flood: _l("Flood"),
            cls.landslide: _l("Landslide"),
            cls.earthquake: _l("Earthquake"),
            cls.fire: _l("Large fire"),
            cls.tsunami: _l("Tsunami"),
        }


class LifePlace(Translated, db.Model):
    """A place of daily life. Sets of choices (departments, facilities, hazards) are JSON
    lists of enum values: the directory holds tens of places, filtered in Python."""

    __tablename__ = "life_place"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LifeKind] = mapped_column(_enum(LifeKind), index=True)
    name: Mapped[dict[str, str]] = translated_column()
    description: Mapped[dict[str, str]] = translated_column()
    address: Mapped[dict[str, str]] = translated_column()
    notes: Mapped[dict[str, str]] = translated_column()
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("area.id", ondelete="SET NULL"), index=True
    )
    area = relationship("Area")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    phone: Mapped[str] = mapped_column(String(30), default="")
    url: Mapped[str] = mapped_column(String(255), default="")
    departments: Mapped[list[str]] = mapped_column(JSON, default=list)
    facilities: Mapped[list[str]] = mapped_column(JSON, default=list)
    # 指定避難所 (a shelter to stay in) and 指定緊急避難場所 (a site to flee to):
    # a place may be both.
    designated_shelter: Mapped[bool] = mapped_column(default=False)
    evacuation_site: Mapped[bool] = mapped_column(default=False)
    hazards: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int | None]
    # Most clinics close on public holidays; a hospital's emergency room does not.
    closed_on_holidays: Mapped[bool] = mapped_column(default=True)
    published: Mapped[bool] = mapped_column(default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    hours = relationship(
        "LifeHours",
        order_by="(LifeHours.weekday, LifeHours.opens)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    special_dates = relationship(
        "LifeSpecialDate",
        order_by="(LifeSpecialDate.on, LifeSpecialDate.opens)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def department_labels(self) -> list[str]:
        return _labels(Department, self.departments)

    def facility_labels(self) -> list[str]:
        return _labels(Facility, self.facilities)

    def hazard_labels(self) -> list[str]:
        return _labels(Hazard, self.hazards)

    def __repr__(self) -> str:
        return f"<LifePlace {self.id} {self.tr('name', 'en')}>"


class LifeHours(db.Model):
    """One opening range on one weekday (0 = Monday), several per day allowed;
    ``closes <= opens`` runs past midnight and 00:00-00:00 is all day (as stores' hours).
    A weekday without a range is a day off."""

    __tablename__ = "life_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("life_place.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]
    opens: Mapped[time]
    closes: Mapped[time]


class SpecialKind(TitledEnum):
    closed = "closed"
    duty = "duty"

    @classmethod
    def _titles(cls):
        return {cls.closed: _l("Closed"), cls.duty: _l("Holiday duty")}


class LifeSpecialDate(db.Model):
    """A date that differs from the week: closed all day, or on holiday duty (休日当番)
    with its own hours (one row per range)."""

    __tablename__ = "life_special_date"
    __table_args__ = (Index("ix_life_special_date_place_on", "place_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("life_place.id", ondelete="CASCADE"))
    on: Mapped[date]
    kind: Mapped[SpecialKind] = mapped_column(_enum(SpecialKind))
    opens: Mapped[time | None]
    closes: Mapped[time | None]


class CorrectionTopic(TitledEnum):
    hours = "hours"
    phone = "phone"
    address = "address"
    closed = "closed"
    other = "other"

    @classmethod
    def _titles(cls):
        return {
            cls.hours: _l("Opening hours"),
            cls.phone: _l("Phone number"),
            cls.address: _l("Address"),
            cls.closed: _l("It has closed for good"),
            cls.other: _l("Something else"),
        }


class CorrectionState(TitledEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"

    @classmethod
    def _titles(cls):
        return {
            cls.pending: _l("Waiting for the association"),
            cls.accepted: _l("Accepted"),
            cls.declined: _l("Declined"),
        }


class LifeCorrection(db.Model):
    """A resident's suggestion to correct a place; the association answers it once."""

    __tablename__ = "life_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("life_place.id", ondelete="CASCADE"), index=True
    )
    place = relationship("LifePlace")
    visitor_id: Mapped[int] = mapped_column(
        ForeignKey("visitor.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[CorrectionTopic] = mapped_column(_enum(CorrectionTopic))
    text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[CorrectionState] = mapped_column(
        _enum(CorrectionState), default=CorrectionState.pending, index=True
    )
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
