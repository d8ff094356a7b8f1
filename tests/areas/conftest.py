"""Fixtures for the areas back office."""

import pytest

from rally.areas.models import Area
from rally.extensions import db


@pytest.fixture
def make_area(app):
    def make(name_ja="駅前通り", name_en="Station Street", position=0):
        with app.app_context():
            area = Area(name={"ja": name_ja, "en": name_en}, position=position)
            db.session.add(area)
            db.session.commit()
            return area.id

    return make
