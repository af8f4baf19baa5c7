package clean

import (
	"strings"
	"testing"

	"github.com/skillx/skillx/internal/textnorm"
)

// TestNormalizeRoleKaggle checks that NormalizeRole keeps every Kaggle
// role name (apart from white space), is idempotent on them, and gives
// the 376 roles 376 distinct keys.
func TestNormalizeRoleKaggle(t *testing.T) {
	roles := readKaggleSkills(t)
	keys := map[string]string{}
	for _, rs := range roles {
		role := rs[0]
		got := textnorm.NormalizeRole(role)
		if want := strings.Join(strings.Fields(role), " "); got != want {
			t.Errorf("textnorm.NormalizeRole(%q) = %q; want %q (only white space changed)", role, got, want)
		}
		if again := textnorm.NormalizeRole(got); again != got {
			t.Errorf("textnorm.NormalizeRole(%q) = %q; want it unchanged (idempotent)", got, again)
		}
		key := textnorm.RoleKey(role)
		if other, ok := keys[key]; ok {
			t.Errorf("textnorm.RoleKey(%q) = textnorm.RoleKey(%q) = %q; want distinct keys", role, other, key)
		}
		keys[key] = role
		if up := textnorm.RoleKey(strings.ToUpper(role)); up != key {
			t.Errorf("textnorm.RoleKey(%q) = %q; want %q, the key of %q", strings.ToUpper(role), up, key, role)
		}
	}
}
