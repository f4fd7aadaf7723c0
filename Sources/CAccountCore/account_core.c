/* The declarations of account_core.h are implemented in Swift (module
** AccountCoreC, with @c @implementation); this file only makes the header a
** C target that Swift can import. */
#include "account_core.h"
