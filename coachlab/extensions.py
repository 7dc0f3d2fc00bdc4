"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

# No default limits: sign-in counts its failures itself (coachlab.auth.throttle); the
# extension gives it the storage (memory, or Redis when REDIS_URL is set).
limiter = Limiter(get_remote_address)

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

csrf = CSRFProtect()
migrate = Migrate(render_as_batch=True, compare_type=True)
