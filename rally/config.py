"""Default configuration. Overridden by ``instance/config.py``, then the environment."""

from datetime import timedelta


class Defaults:
    RALLY_ENV = "development"
    RALLY_BASE_URL = "http://127.0.0.1:5000"
    RALLY_TIMEZONE = "Asia/Tokyo"
    # Open data (/opendata/): the licence the association publishes its files under, and
    # the local government columns of the recommended data sets (empty unless set).
    RALLY_OPENDATA_LICENCE = "CC BY 4.0"
    RALLY_OPENDATA_AREA_CODE = ""
    RALLY_OPENDATA_PREFECTURE = ""
    RALLY_OPENDATA_MUNICIPALITY = ""
    RALLY_DISTRICT_NAME_JA = "三鷹駅前商店街"
    RALLY_DISTRICT_NAME_EN = "Mitaka Station Shopping District"
    # One per site language (RALLY_DISTRICT_NAME_<CODE>); a missing one falls back like any text.
    RALLY_DISTRICT_NAME_ZH_HANS = "三鹰站前商店街"
    RALLY_DISTRICT_NAME_ZH_HANT = "三鷹站前商店街"
    RALLY_DISTRICT_NAME_KO = "미타카역 앞 상점가"
    # The association's address for visitors' questions about their data (the privacy page).
    RALLY_CONTACT_EMAIL = ""
    # Cookies: the card cookie lives as long as browsers allow (Chrome caps at 400 days).
    RALLY_CARD_COOKIE = "rally_card"
    RALLY_CARD_COOKIE_MAX_AGE = int(timedelta(days=400).total_seconds())
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=365)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "ja"
    BABEL_DEFAULT_TIMEZONE = "Asia/Tokyo"
    # Relative to the package folder (rally/).
    BABEL_TRANSLATION_DIRECTORIES = "../translations"
    # The site's languages (rally/i18n/languages.py), Japanese first: a sixth one is its
    # catalog in translations/ and its code here.
    RALLY_LANGUAGES = ("ja", "en", "zh_Hans", "zh_Hant", "ko")
    # Flask-Limiter: memory:// for one process; redis://... (or memcached://) when several
    # servers share the load, so a limit counts across all of them.
    RATELIMIT_STORAGE_URI = "memory://"
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For and -Proto are
    # trusted that many hops deep, so per-address limits see the visitor, not the proxy.
    RALLY_PROXIES = 0
    RALLY_SCAN_LIMIT_PER_CARD = "20 per minute;200 per day"
    RALLY_SCAN_LIMIT_PER_ADDRESS = "120 per minute"
    RALLY_CLAIM_LIMIT = "10 per minute"
    # Visitor accounts made from one address (only successful sign-ups count).
    RALLY_SIGNUPS_PER_ADDRESS = "3 per day"
    # Reports of a post by this many distinct trusted accounts hide it at once; an account
    # is trusted when it is a verified resident's or older than RALLY_TRUSTED_AFTER_DAYS.
    RALLY_REPORTS_TO_HIDE = 3
    RALLY_TRUSTED_AFTER_DAYS = 30
    # Wrong venue PINs allowed (rally/pins); right ones never count against the limit.
    RALLY_PIN_LIMIT_PER_CARD = "5 per 10 minutes"
    RALLY_PIN_LIMIT_PER_ADDRESS = "10 per 10 minutes"
    # E-mail (rally/mail.py): "outbox" writes to instance/outbox/; "smtp" really sends.
    RALLY_MAIL_BACKEND = "outbox"
    RALLY_MAIL_FROM = "Rally <no-reply@localhost>"
    RALLY_SMTP_HOST = "localhost"
    RALLY_SMTP_PORT = 587
    RALLY_SMTP_STARTTLS = True
    RALLY_SMTP_USER = ""
    RALLY_SMTP_PASSWORD = ""
    # The job queue (rally/jobs, Huey): by default a SQLite file of its own in the instance
    # folder (RALLY_JOBS_FILE, default instance/jobs.sqlite), run by `flask --app rally jobs
    # worker`; RALLY_REDIS_URL (redis://host:6379/0) shares one queue between servers.
    # RALLY_JOBS_IMMEDIATE runs each job in the process that queues it, after the commit
    # (tests; a demo without a worker): a retry with a delay then never runs.
    RALLY_REDIS_URL = ""
    RALLY_JOBS_FILE = ""
    RALLY_JOBS_IMMEDIATE = False
    # Seconds before the 2nd, 3rd and 4th try of a delivery that failed for a passing
    # reason (a mail server away); after the last, it shows on /admin/jobs.
    RALLY_JOB_RETRY_DELAYS = (30, 120, 600)
    # Seconds a card must wait between two new stamps (0: no minimum).
    RALLY_MIN_STAMP_INTERVAL = 20
    # Faster than this between two stamps raises an "impossible travel" flag (a rental
    # bicycle in a shopping street stays well under it).
    RALLY_MAX_TRAVEL_SPEED_KMH = 20
    RATELIMIT_HEADERS_ENABLED = True
    # How often a dashboard whose period runs to today fetches its figures again.
    RALLY_DASHBOARD_REFRESH_SECONDS = 60
    # How often an open circle or thread page asks for new posts.
    RALLY_THREADS_REFRESH_SECONDS = 10
    # A thread page shows its first post and this many replies (the latest, or from a linked
    # reply on); earlier and later ones are a link away.
    RALLY_THREAD_REPLIES_SHOWN = 50
    # A new resident account (its first hours after sign-up) posts within small limits, the
    # way spam from fresh accounts is kept small: threads, replies, links, photos in total.
    RALLY_NEW_ACCOUNT_HOURS = 24
    RALLY_NEW_ACCOUNT_THREADS = 3
    RALLY_NEW_ACCOUNT_REPLIES = 10
    RALLY_NEW_ACCOUNT_LINKS = 2
    RALLY_NEW_ACCOUNT_PHOTOS = 0
    # Uploads (rally/storage.py): "local" (RALLY_UPLOAD_FOLDER, default instance/uploads) or
    # "s3" (a bucket of any S3-compatible service; AWS credentials from the environment).
    RALLY_STORAGE = "local"
    RALLY_S3_BUCKET = ""
    RALLY_S3_ENDPOINT_URL = ""
    RALLY_S3_REGION = ""
    # /metrics (rally/ops/metrics.py): answered with "Authorization: Bearer <token>" or from
    # these networks.
    RALLY_METRICS_TOKEN = ""
    RALLY_METRICS_ALLOW = ("127.0.0.0/8", "::1/128")
    # Logs (rally/ops/logs.py): "text" or "json"; a line per request unless turned off.
    RALLY_LOG_FORMAT = "text"
    RALLY_LOG_LEVEL = "INFO"
    RALLY_LOG_REQUESTS = True
    # Web Push (rally/push): the VAPID key pair (`flask --app rally push keys` writes
    # instance/vapid_private_key instead) and the operator's contact for push services.
    RALLY_VAPID_PRIVATE_KEY = ""
    RALLY_VAPID_PUBLIC_KEY = ""
    RALLY_VAPID_KEY_FILE = ""  # "": instance/vapid_private_key
    RALLY_VAPID_SUBJECT = ""  # "mailto:..." of the association; else RALLY_CONTACT_EMAIL
    # Seconds a push service keeps a message for a device that is off.
    RALLY_PUSH_TTL = 24 * 60 * 60
    # Tests only: lets subscriptions point at http:// and local addresses (a test push
    # service); in production they must be https on a public address (SSRF).
    RALLY_PUSH_ALLOW_LOCAL_ENDPOINTS = False
    # Tests only (honoured only with TESTING): a cheap werkzeug hash method for the
    # suite's thousands of passwords, e.g. "pbkdf2:sha256:1". "": werkzeug's strong default.
    RALLY_TEST_PASSWORD_HASH = ""
    # The open API (rally/api): requests a minute from one address without a token, from
    # one personal token, and an app token's limit when the association sets none.
    RALLY_API_ANONYMOUS_RATE_LIMIT = "300 per minute"
    RALLY_API_PERSONAL_RATE_LIMIT = "60 per minute"
    RALLY_API_APP_RATE_LIMIT = "600 per minute"
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
