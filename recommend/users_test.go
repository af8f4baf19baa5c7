package recommend

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadUsers(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []User   // ID, Skills and the first words of each note
		fails               []string // "id: reason fragment"
	}{
		{
			name: "csv with ; and | and a capitalised header",
			file: "u.csv",
			content: "User_id,Current Role,Skills\n" +
				"a,Data Analyst,SQL; Excel\n" +
				"b,Nurse,BLS|Epic\n",
			want: []User{{ID: "a", CurrentRole: "Data Analyst", Skills: []string{"SQL", "Excel"}},
				{ID: "b", CurrentRole: "Nurse", Skills: []string{"BLS", "Epic"}}},
		},
		{
			name:    "commas when there is no ; or |",
			file:    "u.csv",
			content: "user_id,current_role,skills\na,Data Analyst,\"SQL, Excel , Tableau\"\n",
			want:    []User{{ID: "a", CurrentRole: "Data Analyst", Skills: []string{"SQL", "Excel", "Tableau"}}},
		},
		{
			name: "skill_N columns in numeric order",
			file: "u.csv",
			content: "id,role,skill_2,skill_10,skill_1\n" +
				"a,Barista,Latte art,Inventory,Cash handling\n",
			want: []User{{ID: "a", CurrentRole: "Barista", Skills: []string{"Cash handling", "Latte art", "Inventory"}}},
		},
		{
			name: "more than five, duplicates, spaces",
			file: "u.csv",
			content: "user_id,current_role,skills\n" +
				"a,  Data   Analyst ,SQL;sql;Excel;Tableau;Python;Statistics;R\n",
			want: []User{{ID: "a", CurrentRole: "Data Analyst", Skills: []string{"SQL", "Excel", "Tableau", "Python", "Statistics"},
				Notes: []string{"skills given twice", "6 skills were given"}}},
		},
		{
			name: "missing id, missing role, no skills, duplicate id, too long",
			file: "u.csv",
			content: "user_id,current_role,skills\n" +
				",Data Analyst,SQL\n" +
				"b,,SQL\n" +
				"c,Data Analyst, ; | \n" +
				"row-1,Nurse,BLS\n" +
				"e,Nurse,BLS\n" +
				"e,Nurse,Epic\n" +
				"f,Nurse," + strings.Repeat("x", MaxTextLen+1) + "\n",
			want: []User{{ID: "row-1-2", CurrentRole: "Data Analyst", Skills: []string{"SQL"}, Notes: []string{"the input gives no user id"}},
				{ID: "row-1", CurrentRole: "Nurse", Skills: []string{"BLS"}},
				{ID: "e", CurrentRole: "Nurse", Skills: []string{"BLS"}}},
			fails: []string{"b: current role is empty", "c: no skills", "e: already used by row 5", "f: characters long"},
		},
		{
			name: "json lines: lists, strings, numbers, a bad line",
			file: "u.jsonl",
			content: `{"user_id": "a", "current_role": "Data Analyst", "skills": ["SQL; with a semicolon", "Excel"]}` + "\n" +
				`{"user_id": 42, "current_role": "Nurse", "skills": "BLS | Epic"}` + "\n" +
				`{"user_id": "c", "current_role": "Nurse", "skills": [1, null, "Epic"]}` + "\n" +
				`{"user_id": "d", "current_role": "Nurse", "skills": {"x": 1}}` + "\n" +
				`{"user_id": "e", "current_role": "Nurse", "skills": ["BLS"]` + "\n",
			want: []User{{ID: "a", CurrentRole: "Data Analyst", Skills: []string{"SQL; with a semicolon", "Excel"}},
				{ID: "42", CurrentRole: "Nurse", Skills: []string{"BLS", "Epic"}},
				{ID: "c", CurrentRole: "Nurse", Skills: []string{"1", "Epic"}}},
			fails: []string{`d: key "skills"`, "row-5: cannot be read"},
		},
		{
			name: "control characters, csv and json lines alike",
			file: "u.csv",
			content: "user_id,current_role,skills\n" +
				"a,Data\x1b]0;pwned\x07 Analyst,SQL\n" +
				"b\x07,Nurse,BLS\n" +
				"c,Nurse,BLS; Ep\x7fic\n" +
				"d,Nurse,\"BLS\tand CPR; Epic\"\n",
			want:  []User{{ID: "d", CurrentRole: "Nurse", Skills: []string{"BLS and CPR", "Epic"}}},
			fails: []string{"a: current role holds the control character U+001B (ESC) at character 5", `b\x07: user id holds the control character U+0007 (BEL)`, "c: skill 2 holds the control character U+007F (DEL)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			users, fails, err := ReadUsers(path)
			if err != nil {
				t.Fatalf("ReadUsers: %v", err)
			}
			if len(users) != len(tt.want) {
				t.Fatalf("got %d users %+v; want %d", len(users), users, len(tt.want))
			}
			for i, w := range tt.want {
				u := users[i]
				if u.ID != w.ID || u.CurrentRole != w.CurrentRole || !slices.Equal(u.Skills, w.Skills) || len(u.Notes) != len(w.Notes) {
					t.Errorf("user %d = %+v; want %+v", i, u, w)
					continue
				}
				for j, n := range w.Notes {
					if !strings.HasPrefix(u.Notes[j], n) {
						t.Errorf("user %s note %d = %q; want it to start with %q", u.ID, j, u.Notes[j], n)
					}
				}
			}
			if len(fails) != len(tt.fails) {
				t.Fatalf("got failures %+v; want %q", fails, tt.fails)
			}
			for i, want := range tt.fails {
				id, reason, _ := strings.Cut(want, ": ")
				if f := fails[i]; f.UserID != id || !strings.Contains(f.Reason, reason) || f.Stage != StageInput || f.Row == 0 {
					t.Errorf("failure %d = %+v; want user %q, stage input, a row and a reason with %q", i, f, id, reason)
				}
			}
		})
	}
}

func TestReadUsersFileErrors(t *testing.T) {
	tests := []struct{ file, content, want string }{
		{"u.csv", "user_id,skills\na,SQL\n", "want a current_role column (or a history column); columns are: user_id, skills"},
		{"u.csv", "user_id,current_role\na,Nurse\n", "a skills column"},
		{"u.jsonl", `{"user_id": "a", "skills": ["SQL"]}` + "\n", `no record has a "current_role" key`},
		{"missing.csv", "", "no such file"},
		{"u.csv", "user_id,current_role,skills\n", "has no people"},
		{"u.csv", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		path := filepath.Join(dir, tt.file)
		if tt.content != "" {
			os.WriteFile(path, []byte(tt.content), 0o644)
		}
		if _, _, err := ReadUsers(path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadUsers(%q) error = %v; want %q", tt.content, err, tt.want)
		}
	}
}

func TestPersonUser(t *testing.T) {
	u, err := PersonUser(Person{CurrentRole: "Data Analyst", Skills: "SQL;Excel;Tableau;Python;Statistics;R"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	u2, _ := PersonUser(Person{CurrentRole: "Data Analyst", Skills: "SQL;Excel;Tableau;Python;Statistics;R"}, nil)
	if !strings.HasPrefix(u.ID, "cli-") || u.ID != u2.ID || len(u.Skills) != 5 || len(u.Notes) != 1 {
		t.Errorf("PersonUser = %+v; want a stable cli- id, 5 skills and a note", u)
	}
	if _, err := PersonUser(Person{Skills: "SQL"}, nil); err == nil || !strings.Contains(err.Error(), "current role is empty") {
		t.Errorf("PersonUser without a role: %v", err)
	}
}
