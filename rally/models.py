"""Every model of Rally in one import.

Relationships name the classes of other packages by string (``"Question"``): the mappers
configure only once all of them are imported, and the metadata (``create_all``, Alembic)
must see the whole schema. ``create_app`` imports this; so does anything that builds models
without an app.
"""

from .announcements import models as announcements  # noqa: F401
from .api import models as api  # noqa: F401
from .areas import models as areas  # noqa: F401
from .auth import models as auth  # noqa: F401
from .campaigns import models as campaigns  # noqa: F401
from .cards import models as cards  # noqa: F401
from .circles import models as circles  # noqa: F401
from .fraud import models as fraud  # noqa: F401
from .handmedown import models as handmedown  # noqa: F401
from .ideas import models as ideas  # noqa: F401
from .jobs import models as jobs  # noqa: F401
from .lifeinfo import models as lifeinfo  # noqa: F401
from .lottery import models as lottery  # noqa: F401
from .moderation import models as moderation  # noqa: F401
from .news import models as news  # noqa: F401
from .notifications import models as notifications  # noqa: F401
from .push import models as push  # noqa: F401
from .questionnaires import models as questionnaires  # noqa: F401
from .residents import models as residents  # noqa: F401
from .rewards import models as rewards  # noqa: F401
from .roles import models as roles  # noqa: F401
from .search import models as search  # noqa: F401
from .spots import models as spots  # noqa: F401
from .stamping import models as stamping  # noqa: F401
from .stores import hours as store_hours  # noqa: F401
from .stores import models as stores  # noqa: F401
from .surveys import models as surveys  # noqa: F401
from .threads import models as threads  # noqa: F401
from .ugc import models as ugc  # noqa: F401
from .visitors import models as visitors  # noqa: F401
