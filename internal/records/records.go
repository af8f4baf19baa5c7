package records

// Extra is one source column that has no field of its own, kept as a key and value.
type Extra struct {
	// Key is the source column name (as ExtraColumnNames makes it unique).
	Key string `parquet:"key,dict"`
	// Value is the source value as text.
	Value string `parquet:"value"`
}

// RawPosting is one row of data/raw/postings.parquet: a source record mapped onto one stable
// schema, not yet cleaned. The file's schema is RawSchema: these fields, then a group of the
// source's other columns (Extras). Write it with AppendRawRow and parquetio.RowWriter; read it
// with parquetio.ScanColumns (the columns a stage needs) or ReadRaw (everything, small files).
type RawPosting struct {
	// Source names the preset or mapping that read the record ("kaggle", "linkedin", "onet", "map").
	Source string `parquet:"source,dict"`
	// SourceFile is the base name of the file the record came from.
	SourceFile string `parquet:"source_file,dict"`
	// SourceRow is the 1-based number of the record among the file's data records.
	SourceRow int64 `parquet:"source_row"`
	// SourceLine is the 1-based line where the record starts (0 where lines do not apply).
	SourceLine int64 `parquet:"source_line"`
	// PostingID is the source's own id (Kaggle Job Id, LinkedIn job_link, O*NET-SOC code).
	PostingID string `parquet:"posting_id"`
	// Role is the role or occupation the posting is for, as in the source.
	Role string `parquet:"role,dict"`
	// Title is the job title as in the source.
	Title string `parquet:"title,dict"`
	// Skills is the skills text as in the source.
	Skills string `parquet:"skills,dict"`
	// Description is the job description.
	Description string `parquet:"description,dict"`
	// Responsibilities is the responsibilities text.
	Responsibilities string `parquet:"responsibilities,dict"`
	// Extras holds the record's non-empty values of the source's other columns, in column
	// order. In the file they are the columns of the group "extras", one optional string
	// column per source column (null where the record's value is empty), not a field of this
	// struct's Parquet schema.
	Extras []Extra `parquet:"-"`
}

// Reject is one row of a rejects file: a source record that did not make it into an output,
// with the reason.
type Reject struct {
	// Stage is the stage that rejected the record ("ingest" or "clean").
	Stage string `parquet:"stage,dict"`
	// Source names the preset or mapping that read the record.
	Source string `parquet:"source,dict"`
	// SourceFile is the base name of the file the record came from.
	SourceFile string `parquet:"source_file,dict"`
	// SourceRow is the 1-based number of the record among the file's data records.
	SourceRow int64 `parquet:"source_row"`
	// SourceLine is the 1-based line where the record starts (0 where lines do not apply).
	SourceLine int64 `parquet:"source_line"`
	// Field is the field at fault, or "" for the whole record.
	Field string `parquet:"field,dict"`
	// Kind is a short, stable category of the problem ("bad quoting", "empty role", ...), for
	// counting rejects by reason.
	Kind string `parquet:"kind,dict"`
	// Reason says what is wrong in this record, in words.
	Reason string `parquet:"reason"`
	// Role is the record's role, where it could be read.
	Role string `parquet:"role"`
	// Skills is the record's skills text, where it could be read.
	Skills string `parquet:"skills"`
	// Raw is the record as it stood in the source, where it could be kept.
	Raw string `parquet:"raw"`
}

// CleanPosting is one row of data/clean/postings.parquet: a distinct posting with a normalised
// role and its skills split into phrases. Exact duplicates are merged and counted.
type CleanPosting struct {
	// PostingID is the source id of the first occurrence.
	PostingID string `parquet:"posting_id"`
	// Source names the preset or mapping that read the first occurrence.
	Source string `parquet:"source,dict"`
	// SourceFile is the file of the first occurrence.
	SourceFile string `parquet:"source_file,dict"`
	// SourceRow is the data record number of the first occurrence.
	SourceRow int64 `parquet:"source_row"`
	// Role is the normalised role name (display form).
	Role string `parquet:"role,dict"`
	// RoleKey is the grouping key of the role (the normalised name, case-folded).
	RoleKey string `parquet:"role_key,dict"`
	// RoleOriginal is the role as the source spelled it.
	RoleOriginal string `parquet:"role_original,dict"`
	// Title is the job title.
	Title string `parquet:"title,dict"`
	// SkillsText is the skills text, whitespace-normalised.
	SkillsText string `parquet:"skills_text,dict"`
	// Skills is the skills text split into phrases.
	Skills []string `parquet:"skills,list"`
	// Description is the job description, whitespace-normalised.
	Description string `parquet:"description,dict"`
	// Responsibilities is the responsibilities text, whitespace-normalised.
	Responsibilities string `parquet:"responsibilities,dict"`
	// Count is how many source postings this row stands for (1 plus the exact duplicates).
	Count int64 `parquet:"count"`
}

// PhraseCount is a skill phrase and how many postings of a role mention it.
type PhraseCount struct {
	// Phrase is the skill phrase.
	Phrase string `parquet:"phrase"`
	// Count is the number of postings (duplicates included) that mention it.
	Count int64 `parquet:"count"`
}

// Role is one row of data/clean/roles.parquet: everything known about one role.
type Role struct {
	// Role is the normalised role name.
	Role string `parquet:"role"`
	// RoleKey is the grouping key.
	RoleKey string `parquet:"role_key"`
	// Postings is the number of source postings (duplicates included).
	Postings int64 `parquet:"postings"`
	// DistinctPostings is the number of distinct postings after deduplication.
	DistinctPostings int64 `parquet:"distinct_postings"`
	// DistinctSkillsTexts is the number of distinct skills texts.
	DistinctSkillsTexts int64 `parquet:"distinct_skills_texts"`
	// Skills lists the role's skill phrases, most frequent first.
	Skills []PhraseCount `parquet:"skills,list"`
	// Description is a representative description: the most frequent one.
	Description string `parquet:"description"`
	// Titles lists the job titles seen for the role, most frequent first (at most 10).
	Titles []string `parquet:"titles,list"`
	// PostingIDs lists up to 5 source ids of the role's postings (for O*NET, the SOC code).
	PostingIDs []string `parquet:"posting_ids,list"`
}

// Example is one row of data/features/examples.parquet: a training example for the classifier.
type Example struct {
	// TextHash is the hex sha256 of Text: the key of its vector in embeddings.arrow.
	TextHash string `parquet:"text_hash"`
	// Text is the classifier input: skill phrases joined with ", ".
	Text string `parquet:"text"`
	// Role is the label (the role's display name).
	Role string `parquet:"role,dict"`
	// RoleKey is the label's grouping key.
	RoleKey string `parquet:"role_key,dict"`
	// Weight is the number of source postings the example stands for (duplicates included).
	Weight int64 `parquet:"weight"`
	// Group is the hex sha256 of the posting's full skills text: a posting and its samples
	// share it, and a grouped split keeps a group on one side.
	Group string `parquet:"group"`
	// Kind is KindPosting (all the posting's phrases), KindSample (3 to 6 of them),
	// KindDescription, KindResponsibilities or KindTitle (the posting's other texts, which
	// teach the role's vocabulary).
	Kind string `parquet:"kind,dict"`
	// PostingID is the source id of the posting.
	PostingID string `parquet:"posting_id"`
}

// Kinds of Example.
const (
	// KindPosting is a posting's skill phrases joined with ", ".
	KindPosting = "posting"
	// KindSample is a sample of 3 to 6 of a posting's phrases, as a person types them.
	KindSample = "sample"
	// KindDescription is a posting's job description.
	KindDescription = "description"
	// KindResponsibilities is a posting's responsibilities (O*NET: its task statements).
	KindResponsibilities = "responsibilities"
	// KindTitle is the role name, or a job title of the posting that differs from it.
	KindTitle = "title"
)
