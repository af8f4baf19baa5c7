// gen_golden.mjs writes golden.jsonl: {text, ids} lines made by transformers.js
// (@huggingface/transformers, AutoTokenizer) from the real all-MiniLM-L6-v2
// tokenizer.json, truncated to 256 ids the way Hugging Face's tokenizers does.
// golden_test.go compares the Go tokenizer with it. The texts avoid the two
// places where transformers.js differs from Hugging Face's Rust tokenizers (a
// final capital sigma, ideographs outside the Basic Multilingual Plane); the
// Go tests check those by hand.
//
// To rerun (made with @huggingface/transformers 4.3.1, @huggingface/tokenizers 0.2.0):
//
//   cd "$(mktemp -d)" && npm init -y >/dev/null
//   ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers
//   cp /path/to/main/internal/tokenizer/testdata/gen_golden.mjs .
//   SHARED=/path/to/shared node gen_golden.mjs > /path/to/main/internal/tokenizer/testdata/golden.jsonl
//
// Env: SHARED (the shared folder; default ../shared), MAX_LENGTH (default 256).
import { AutoTokenizer, env } from '@huggingface/transformers';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const shared = process.env.SHARED || '../shared';
const maxLength = Number(process.env.MAX_LENGTH || 256);

// A local model folder: tokenizer.json plus the tokenizer_config.json and
// config.json that transformers.js reads beside it.
const root = mkdtempSync(join(tmpdir(), 'golden-'));
const dir = join(root, 'minilm');
mkdirSync(dir);
copyFileSync(join(shared, 'models/all-MiniLM-L6-v2/tokenizer.json'), join(dir, 'tokenizer.json'));
for (const f of ['tokenizer_config.json', 'config.json']) {
  copyFileSync(join(shared, 'anchors/transformers-js', f), join(dir, f));
}
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = root + '/';
const tok = await AutoTokenizer.from_pretrained('minilm');

const texts = [
  // The cases the Go tests also check by hand.
  'Python, SQL, Machine Learning',
  'Café Résumé naïve',
  '数据分析 和 Python',
  'I ❤️ SQL 🚀',
  'supercalifragilistic'.repeat(15), // one 300-character word
  '',
  'Data analysis, Python, SQL; stakeholder management. '.repeat(200).slice(0, 10000),
  'C++/C#, Node.js & React.js',
  'Excel\tWord\nPowerPoint\r\nAccess\u0000 Visio\u0007\u001b[0m',
  'tab\u000bvertical\u000cform feed\u0085next line',
  'zero\u200bwidth\u200djoiner\ufeffbom soft\u00adhyphen',
  // Accents, other scripts, compatibility characters.
  'ÜBER Straße façade',
  'São Paulo, Zürich, Kraków, Łódź',
  'Ångström ÅÆØ crème brûlée',
  'combining e\u0301 and a\u0308 and n\u0303',
  'ﬁnance ﬂow ﬀ',
  '½ cup ① Ⅻ ²',
  'Résumé—writing – “quotes” ‘single’ … «guillemets»',
  'Node.js®, Java™, C© and 5°C',
  '日本語のテキスト処理',
  '한국어 데이터 분석',
  'Русский язык, программирование',
  'Ελληνικά και ΑΘΗΝΑ',
  'عربى البيانات',
  'हिन्दी भाषा',
  'ภาษาไทย',
  'İstanbul ǅungla',
  '互联网+ 云计算（Cloud）、大数据。',
  // Punctuation, symbols, white space.
  'e-mail: foo@bar.com, https://example.com/path?x=1&y=2',
  '100% $5,000 #1 @home ^_^ ~tilde `back` |pipe| <tag> {brace} [bracket] \\slash',
  '...!!!???',
  '   leading and trailing spaces   ',
  '\n\n\t',
  'non\u00a0breaking\u2003em space\u3000ideographic',
  'line\u2028separator\u2029paragraph',
  // Special tokens in the text.
  '[CLS] literal [SEP] and [MASK] and [UNK] [PAD]',
  '[cls] lower [sep]',
  'foo[SEP]bar[SEP][SEP]',
  // Word pieces.
  'unbelievably transformational hyperparameterization',
  'Kubernetes, TensorFlow, PyTorch, scikit-learn, XGBoost',
  'Microsoft Excel (Advanced), VLOOKUP/HLOOKUP, Pivot-Tables',
  'ISO 9001:2015, Six Sigma (Green Belt), GDPR/HIPAA',
  'Go1.26 gRPC protobuf v3.21.12',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', // 100 characters: not [UNK]
];
const skills = readFileSync(join(shared, 'anchors/skills1000.txt'), 'utf8').split('\n').filter(Boolean);
texts.push(...skills.slice(0, 40));

// transformers.js truncates after adding [CLS] and [SEP] (so a long text loses
// its [SEP]) and never beyond model_max_length (128): unlike Hugging Face's
// tokenizers, which truncate the word pieces to max_length - 2 and then add
// [CLS] and [SEP]. So encode in full and truncate the way tokenizers does.
const sep = tok.sep_token_id;
if (typeof sep !== 'number') throw new Error('no [SEP] id');
for (const text of texts) {
  const out = tok(text, { truncation: false });
  let ids = Array.from(out.input_ids.data, Number);
  if (ids.length > maxLength) {
    ids = [...ids.slice(0, maxLength - 1), sep];
  }
  process.stdout.write(JSON.stringify({ text, ids }) + '\n');
}
