package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/onnx"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/model"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

const modelUsage = `Usage: git scry model <command> [flags]

Manage the ONNX sentence models git scry can embed commits with instead of
its built-in embedder. A model is a BERT-style model.onnx with its
tokenizer.json (WordPiece), for example an ONNX export of
sentence-transformers/all-MiniLM-L6-v2. Models are registered for your user
in $XDG_CONFIG_HOME/verdigris/scry-models.json (~/.config/...), pinned by
sha256: a file that changes afterwards is refused, and git scry falls back
to the built-in embedder, saying why ('verdigris doctor').

Commands:
  add DIR|FILE...   register a model: a directory holding model.onnx (or
                    onnx/model.onnx) and tokenizer.json, or the two files
      --name N              its name (default: the model's directory name)
      --query-prefix P      text put before every query (E5 models: "query: ")
      --passage-prefix P    text put before every indexed commit ("passage: ")
                            (default: the prompts of the model's
                            config_sentence_transformers.json, else E5's,
                            BGE's and Nomic's, known by the model's name)
      --pooling mean|cls    how token states become a text's vector (default:
                            the model's 1_Pooling/config.json, else mean)
      --dim N               keep the first N dimensions of each vector, as
                            sentence-transformers' truncate_dim (Matryoshka
                            models: 256, 512; default: all)
  use NAME          embed with NAME from now on; 'use builtin' goes back to
                    the built-in embedder (an index that holds a model's
                    vectors re-embeds on its next run)
  ls [--json]       list the models and the one in use (--json adds which
                    embedder searches really use, and why)
  rm NAME           unregister NAME (its files are left where they are)

ONNX Runtime is loaded at run time: scripts/fetch-onnxruntime.sh installs
it, or set VERDIGRIS_ONNXRUNTIME=/path/to/libonnxruntime.so.1.
`

var modelCmd = &cli.Command{
	Name:     "model",
	Usage:    modelUsage,
	Commands: []*cli.Command{modelAddCmd, modelUseCmd, modelLsCmd, modelRmCmd},
	Synonyms: map[string]string{"remove": "rm", "delete": "rm", "del": "rm", "list": "ls"},
}

func registryPath(env *cli.Env) (string, error) {
	p, err := model.Path(env.Env)
	if err != nil {
		return "", cli.Failf("cannot place the model registry: %v", err).WithHint("set HOME or XDG_CONFIG_HOME")
	}
	return p, nil
}

// updateRegistry is model.Update with the errors a user can act on:
// a registry that does not parse or cannot be written names the file
// to fix or remove.
func updateRegistry(ctx context.Context, path string, fn func(*model.Registry) error) error {
	err := model.Update(ctx, path, fn)
	var ce *cli.Error
	switch {
	case err == nil || errors.As(err, &ce):
		return err
	case ctx.Err() != nil:
		return cli.Interruptedf("interrupted; the model registry %s is as it was", path).WithHint("run the same git scry model command again")
	}
	return registryError(err, path)
}

// registryError is a registry that cannot be read or written, with a
// hint that names the file and fits what is wrong with it.
func registryError(err error, path string) error {
	var fe *model.FileError
	if errors.As(err, &fe) {
		switch {
		case fe.IsDir:
			return cli.Failf("%v", err).WithHint("remove or rename the directory %s; the registry is a file (it lists the registered models)", path)
		case fe.Blocker != "":
			return cli.Failf("%v", err).WithHint("the registry %s needs %s to be a directory; set XDG_CONFIG_HOME (or HOME) to a directory", path, filepath.Dir(path))
		case fe.Permission:
			return cli.Failf("%v", err).WithHint("make %s and its directory readable and writable by you", path)
		}
	}
	return cli.Failf("%v", err).WithHint("fix or remove %s (it lists the registered models)", path)
}

// activeModel names the model in use, "" for the built-in embedder (or
// a registry that cannot be read: the embedder source falls back then).
func activeModel(env *cli.Env) string {
	path, err := model.Path(env.Env)
	if err != nil {
		return ""
	}
	reg, err := model.Load(path)
	if err != nil {
		return ""
	}
	return reg.Active
}

func absArg(env *cli.Env, p string) string {
	if filepath.IsAbs(p) || env.Dir == "" {
		return p
	}
	return filepath.Join(env.Dir, p)
}

var modelAddCmd = &cli.Command{
	Name:  "add",
	Usage: modelUsage,
	Flags: func(fs *pflag.FlagSet) {
		fs.String("name", "", "")
		fs.String("query-prefix", "", "")
		fs.String("passage-prefix", "", "")
		fs.String("pooling", "", "")
		fs.Int("dim", 0, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := nargs("model add", fs, args, 1, 2); err != nil {
			return err
		}
		given := append([]string(nil), args...)
		for i := range args {
			args[i] = absArg(env, args[i])
		}
		modelPath, tokPath, err := model.Locate(args)
		var missing *iofs.PathError
		if errors.As(err, &missing) {
			// The path as typed and what is wrong with it, not the
			// stat call's words about the absolute path.
			name := missing.Path
			for i := range args {
				if args[i] == missing.Path {
					name = given[i]
				}
			}
			return cli.Failf("model add: %s: %v", name, missing.Err).WithHint("give a directory with model.onnx and tokenizer.json, or both files")
		}
		var noModel *model.NoModelError
		if errors.As(err, &noModel) && len(noModel.Exports) > 0 {
			// The export downloaded may be all there is (model_quantized.onnx).
			tok := tokPath
			if tok == "" {
				tok = filepath.Join(noModel.Dir, "tokenizer.json")
			}
			return cli.Failf("model add: %v", err).WithHint("name the export to register with the tokenizer: 'git scry model add %s %s'", cli.ShellWord(noModel.Suggested()), cli.ShellWord(tok))
		}
		if err != nil {
			return cli.Failf("model add: %v", err).WithHint("give a directory with model.onnx and tokenizer.json, or both files")
		}
		// Of a directory with several exports (a Hugging Face
		// repository's onnx/: model.onnx, model_O4.onnx,
		// model_quantized.onnx, …), which one is registered.
		var otherExports []string
		if !slices.ContainsFunc(args, func(a string) bool { return strings.HasSuffix(a, ".onnx") }) {
			for _, p := range model.Exports(filepath.Dir(modelPath)) {
				if p != modelPath {
					otherExports = append(otherExports, filepath.Base(p))
				}
			}
		}
		tok, err := onnx.LoadTokenizer(tokPath)
		if err != nil {
			return cli.Failf("model add: %v", err).WithHint("git scry runs BERT-style models with a WordPiece tokenizer.json")
		}
		name, _ := fs.GetString("name")
		if !fs.Changed("name") {
			// --name "" (an unset variable) is refused below, not
			// taken for the default.
			name = model.DefaultName(modelPath)
		}
		rules := fmt.Sprintf("printable, no spaces or slashes, not starting with a dash, not %q", model.Builtin)
		if err := model.ValidName(name); err != nil && !fs.Changed("name") {
			// No name was given: the directory's was taken.
			var words []string
			for _, g := range given {
				words = append(words, cli.ShellWord(g))
			}
			return cli.Usagef("model add: the directory's name %s cannot name the model (a name is %s)", cli.Printable(fmt.Sprintf("%q", name)), rules).
				WithHint("name it with --name: 'git scry model add %s --name NAME'", strings.Join(words, " "))
		} else if err != nil {
			return cli.Usagef("model add: %v", err).WithHint("choose another --name (%s)", rules)
		}
		// The flags beat what the model's directory declares (tokenizer.json
		// is at its top), which beats what its name suggests.
		var qp, pp model.Prefix
		var qflag, pflag string
		if !fs.Changed("query-prefix") || !fs.Changed("passage-prefix") {
			if qp, pp, err = model.PrefixesOf(filepath.Dir(tokPath), name); err != nil {
				return cli.Failf("model add: %v", err).WithHint("fix it, or give --query-prefix and --passage-prefix (the prompts the model was trained with; '' for none)")
			}
		}
		if fs.Changed("query-prefix") {
			qp.Text, _ = fs.GetString("query-prefix")
			qflag = "--query-prefix"
		}
		if fs.Changed("passage-prefix") {
			pp.Text, _ = fs.GetString("passage-prefix")
			pflag = "--passage-prefix"
		}
		pooling, _ := fs.GetString("pooling")
		if fs.Changed("pooling") && pooling != onnx.PoolMean && pooling != onnx.PoolCLS {
			return cli.Usagef("model add: --pooling %s: git scry pools by %s or %s", pooling, onnx.PoolMean, onnx.PoolCLS).WithHint("give --pooling mean (the mean of the token states) or --pooling cls (the first token's state), as the model was trained")
		}
		// sentence-transformers' truncate_dim is the caller's choice, not
		// the model's files' (a Matryoshka model's card says which cuts
		// keep its quality).
		truncateDim, _ := fs.GetInt("dim")
		dimHint := "give --dim N, from 1 to the model's dimensions, as its model card says (Matryoshka models: 256, 512), or leave it out to keep them all"
		if fs.Changed("dim") && truncateDim < 1 {
			return cli.Usagef("model add: --dim %d: a vector keeps 1 dimension or more", truncateDim).WithHint("%s", dimHint)
		}
		mf, tf, ext, err := model.PinModel(modelPath, tokPath)
		switch {
		case errors.Is(err, onnx.ErrNotONNX):
			return cli.Failf("model add: %v", err).WithHint("check that %s is a whole ONNX file (a finished download; not a Git LFS pointer)", modelPath)
		case errors.Is(err, model.ErrExternalData):
			return cli.Failf("model add: %v", err).WithHint("keep the files model.onnx keeps its weights in beside it, where the export wrote them")
		case err != nil:
			return cli.Failf("model add: %v", err)
		}
		// What the model takes and gives is in the file: checked here,
		// where ONNX Runtime may not be there to try the model.
		pooled, outDim := false, 0
		if m, err := onnx.ReadModelFile(mf.Path); err == nil {
			sh, err := m.Shape()
			if errors.Is(err, onnx.ErrHalfPrecision) {
				full := filepath.Join(filepath.Dir(modelPath), "model.onnx")
				if _, serr := os.Stat(full); serr == nil && full != modelPath {
					return cli.Failf("model add: %s: %v", modelPath, err).WithHint("register the float32 export beside it: 'git scry model add %s %s'", cli.ShellWord(full), cli.ShellWord(tokPath))
				}
				return cli.Failf("model add: %s: %v", modelPath, err).WithHint("download the model's float32 export (onnx/model.onnx) or a quantized one (onnx/model_quantized.onnx), and register it with tokenizer.json")
			}
			if err != nil {
				return cli.Failf("model add: %s: %v", modelPath, err).WithHint("the model must take input_ids (and optionally attention_mask, token_type_ids) and output token states or a sentence vector")
			}
			pooled = sh.Pooled
			if d := sh.Output.Dims; len(d) > 0 && d[len(d)-1] > 0 {
				outDim = int(d[len(d)-1])
			}
		}
		switch {
		case outDim > 0 && truncateDim > outDim:
			return cli.Usagef("model add: --dim %d: the model's vectors have %d dimensions", truncateDim, outDim).WithHint("%s", strings.Replace(dimHint, "the model's dimensions", fmt.Sprint(outDim), 1))
		case truncateDim == outDim:
			// All of them: nothing is cut, and the vectors are the
			// ones the model made without --dim.
			truncateDim = 0
		}
		// The modules sentence-transformers runs on the token states of
		// a graph that does not make its own sentence vector, whatever
		// --pooling says: a Dense layer after the pooling (LaBSE) git
		// scry does not run would leave every vector not the model's.
		if !pooled {
			notRun, from, err := model.ModulesNotRun(filepath.Dir(tokPath))
			if err != nil {
				return cli.Failf("model add: %v", err).WithHint("fix it, or remove modules.json: it lists the modules sentence-transformers runs on the model's token states")
			}
			if notRun != nil {
				var names, classes []string
				for _, m := range notRun {
					names, classes = append(names, m.String()), append(classes, m.Class)
				}
				return cli.Failf("model add: %s lists %s, which git scry does not run after the model; its vectors would not be the model's", from, strings.Join(names, " and ")).
					WithHint("git scry runs the Pooling and Normalize modules only: use an export whose graph outputs its sentence_embedding, with %s in it, or another model", strings.Join(classes, " and "))
			}
		}
		// A graph that makes its own sentence vector has no token
		// states to pool; otherwise the model's directory (tokenizer.json
		// is at its top, model.onnx may be under onnx/) says how it was
		// trained to pool them.
		switch {
		case pooled && fs.Changed("pooling"):
			cli.Warnf(env.Stderr, "git-scry", "--pooling is not used: the model outputs its own sentence vector")
			pooling = ""
		case pooled:
		case !fs.Changed("pooling"):
			if pooling, _, err = model.PoolingOf(filepath.Dir(tokPath)); err != nil {
				return cli.Failf("model add: %v", err).WithHint("give --pooling mean or --pooling cls to pool its token states so (the mean of the token states, or the first token's state)")
			}
		}
		// Read whatever --pooling says: it replaces the mode, not what
		// the mean leaves out.
		var includePrompt *bool
		promptFrom := ""
		if !pooled {
			include, from, err := model.IncludePromptOf(filepath.Dir(tokPath))
			if err != nil {
				return cli.Failf("model add: %v", err).WithHint("fix it: include_prompt is true (the prompt's tokens in the mean) or false")
			}
			if !include {
				includePrompt, promptFrom = &include, from
			}
		}
		// sentence-transformers gives the model the max_seq_length first
		// tokens of a text, whatever tokenizer.json's truncation says
		// (all-MiniLM-L6-v2: 256, its tokenizer.json 128); without
		// sentence_bert_config.json (a transformers.js export),
		// tokenizer_config.json's model_max_length. Up to 512, or the
		// tokenizer's own where more: a text's attention takes memory
		// with the square of its length (nomic-embed-text says 8192).
		cut, err := model.CutLengthOf(filepath.Dir(tokPath), tok.Truncation())
		if err != nil {
			var le *model.LengthError
			if errors.As(err, &le) && le.Key == "max_seq_length" {
				return cli.Failf("model add: %v", err).WithHint("fix it: max_seq_length is the most tokens sentence-transformers gives the model (256, 512), or null for tokenizer.json's")
			} else if errors.As(err, &le) {
				return cli.Failf("model add: %v", err).WithHint("fix it: %s is the most tokens the tokenizer gives the model (256, 512)", le.Key)
			}
			return cli.Failf("model add: %v", err).WithHint("fix it, or remove it: git scry reads how many tokens the model takes from it")
		}
		maxLength, cutSaid := 0, ""
		if own := tok.MaxLength(); cut.Tokens != own {
			maxLength = cut.Tokens
		}
		if asked := max(cut.Tokens, cut.Asked); cut.Key != "" && asked != tok.MaxLength() {
			ownSaid := fmt.Sprintf("tokenizer.json says %d", tok.MaxLength())
			if tok.Truncation() == 0 {
				ownSaid = "tokenizer.json sets no max_length"
			}
			if cut.Asked == 0 {
				cutSaid = fmt.Sprintf("texts are cut at %d tokens (%s in %s, as sentence-transformers cuts them; %s)", cut.Tokens, cut.Key, cli.Printable(cut.From), ownSaid)
			} else {
				cutSaid = fmt.Sprintf("texts are cut at %d tokens, not the %d of %s in %s (git scry cuts at %d at most, or at tokenizer.json's max_length where it is more)", cut.Tokens, cut.Asked, cut.Key, cli.Printable(cut.From), onnx.DefaultMaxLength)
			}
		}
		// sentence-transformers lowercases the texts of a model trained
		// on lowercased text whose tokenizer is cased.
		lower, lowerFrom, err := model.LowerCaseOf(filepath.Dir(tokPath))
		if err != nil {
			return cli.Failf("model add: %v", err).WithHint("fix it: do_lower_case is true (sentence-transformers lowercases every text first) or false")
		}
		// transformers' fast BERT tokenizer, which sentence-transformers
		// loads, lowercases and strips accents as tokenizer_config.json
		// says where tokenizer.json's BertNormalizer says otherwise.
		casing, casingFrom, err := model.BertCasingOf(filepath.Dir(tokPath), tok)
		if err != nil {
			return cli.Failf("model add: %v", err).WithHint("fix it: do_lower_case is true or false, strip_accents true, false or null (transformers lowercases and strips accents as they say, over tokenizer.json's BertNormalizer)")
		}
		// git scry ranks by the cosine, as its vectors are L2-normalised;
		// a model trained for another similarity is ranked otherwise by
		// sentence-transformers, which is said, not changed. It changes
		// no vector: a file it cannot be read from (one the prefix flags
		// stand in for) refuses nothing.
		similarity, similarityFrom, err := model.SimilarityOf(filepath.Dir(tokPath))
		if err != nil {
			cli.Warnf(env.Stderr, "git-scry", "%v; the similarity the model was trained for is not known (git scry ranks by the cosine)", err)
		}
		if similarity == model.Cosine {
			similarity = ""
		}
		entry := model.Entry{Name: name, Model: mf, Tokenizer: tf, External: ext, QueryPrefix: qp.Text, PassagePrefix: pp.Text, Pooling: pooling, IncludePrompt: includePrompt, MaxLength: maxLength, LowerCase: lower, BertCasing: casing, Similarity: similarity, TruncateDim: truncateDim, AddedAt: time.Now().UTC().Truncate(time.Second)}
		// Check that it runs, when this machine can run it at all: a
		// model that loads may still fail on text (a token table smaller
		// than the tokenizer's vocabulary, another model's tokenizer),
		// and would then fail on every commit.
		// Run whole: a graph that declares no size for its vectors
		// tells it here, and --dim is checked against it as against a
		// declared one.
		dim, whole := 0, entry
		whole.TruncateDim = 0
		if e, err := model.Open(ctx, &whole, env.Env); err == nil {
			dim = e.Dim()
			_, err = e.EmbedPassages(ctx, []string{"fix: the hook runner crashed when config.yml was empty (#1246)"})
			e.Close()
			if ctx.Err() != nil {
				return cli.Interruptedf("interrupted while test-running the model; it was not added").WithHint("run 'git scry model add %s' again", cli.ShellWord(modelPath))
			}
			switch {
			case errors.Is(err, onnx.ErrNotFinite):
				return cli.Failf("model add: %s does not run: %v", modelPath, err).WithHint("the model computes NaN or infinity on text: register another export of it (the float32 onnx/model.onnx, not an optimized or half-precision one)")
			case err != nil:
				return cli.Failf("model add: %s does not run: %v", modelPath, err).WithHint("check that model.onnx and tokenizer.json belong together (the same model's export)")
			}
			outDim = dim
			switch {
			case truncateDim > dim:
				return cli.Usagef("model add: --dim %d: the model's vectors have %d dimensions", truncateDim, dim).WithHint("%s", strings.Replace(dimHint, "the model's dimensions", fmt.Sprint(dim), 1))
			case truncateDim == dim:
				truncateDim, entry.TruncateDim = 0, 0
			case truncateDim > 0:
				dim = truncateDim
			}
		} else if errors.Is(err, onnx.ErrNoRuntime) || errors.Is(err, onnx.ErrNoLibrary) || errors.Is(err, onnx.ErrBadLibrary) {
			cli.Warnf(env.Stderr, "git-scry", "the model was not test-run: %v", err)
		} else if errors.Is(err, onnx.ErrBadModel) {
			return cli.Failf("model add: %v", err).WithHint("check that %s is a whole ONNX file (a finished download; not a Git LFS pointer)", modelPath)
		} else {
			return cli.Failf("model add: %s does not run: %v", modelPath, err).WithHint("the model must take input_ids (and optionally attention_mask, token_type_ids) and output token states or a sentence vector")
		}
		path, err := registryPath(env)
		if err != nil {
			return err
		}
		inUse, reembed := false, false
		err = updateRegistry(ctx, path, func(r *model.Registry) error {
			inUse = r.Active == name
			if old, ok := r.Find(name); ok {
				// The passage prefix and the pooling (include_prompt
				// too) shape its vectors.
				was, now := old.Config(env.Env), entry.Config(env.Env)
				reembed = inUse && was.ID() != now.ID()
				if !old.SameFiles(&entry) {
					return cli.Failf("model %s is already registered with different files (model.onnx sha256 %.12s)", name, old.Model.SHA256).
						WithHint("remove it first ('git scry model rm %s') or pick another --name", name)
				}
				entry.AddedAt = old.AddedAt
				*old = entry
				return nil
			}
			r.Models = append(r.Models, entry)
			return nil
		})
		if err != nil {
			return err
		}
		detail := ""
		if dim > 0 {
			detail = fmt.Sprintf(", %d dimensions", dim)
		}
		fmt.Fprintf(env.Stderr, "git-scry: registered model %s (model.onnx sha256 %.12s%s)\n", name, mf.SHA256, detail)
		fmt.Fprintf(env.Stderr, "git-scry: query prefix %s (%s)\n", prefixWords(qp.Text), prefixSource(qp, qflag))
		fmt.Fprintf(env.Stderr, "git-scry: passage prefix %s (%s)\n", prefixWords(pp.Text), prefixSource(pp, pflag))
		if len(otherExports) > 0 {
			fmt.Fprintf(env.Stderr, "git-scry: model file %s, of the exports in %s (%s too: name one with tokenizer.json to register it instead)\n",
				cli.Printable(modelPath), cli.Printable(filepath.Dir(modelPath)+string(filepath.Separator)), cli.Printable(cli.AndList(otherExports)))
		}
		if cutSaid != "" {
			fmt.Fprintf(env.Stderr, "git-scry: %s\n", cutSaid)
		}
		if truncateDim > 0 {
			of := ""
			if outDim > 0 {
				of = fmt.Sprintf(" of %d", outDim)
			}
			fmt.Fprintf(env.Stderr, "git-scry: vectors keep their first %d%s dimensions, cut before they are normalised (--dim, as sentence-transformers' truncate_dim)\n", truncateDim, of)
		}
		if casing != nil {
			fmt.Fprintf(env.Stderr, "git-scry: texts %s, as do_lower_case and strip_accents in %s say, not tokenizer.json's BertNormalizer (transformers' fast BERT tokenizer, which sentence-transformers loads, takes them over it)\n", model.CasingWords(*casing), cli.Printable(casingFrom))
		}
		if lower {
			fmt.Fprintf(env.Stderr, "git-scry: texts are lowercased before they are tokenized, prefixes with them (do_lower_case in %s, as sentence-transformers does)\n", cli.Printable(lowerFrom))
		}
		if promptFrom != "" && pooling != onnx.PoolCLS {
			fmt.Fprintf(env.Stderr, "git-scry: the prefixes' tokens are left out of the mean of the token states (include_prompt false in %s)\n", cli.Printable(promptFrom))
		}
		if similarity != "" {
			cli.Warnf(env.Stderr, "git-scry", "model %s was trained for %s (similarity_fn_name %q in %s); git scry ranks by the cosine of L2-normalised vectors, so its results may differ from sentence-transformers'", name, model.SimilarityWords(similarity), similarity, cli.Printable(similarityFrom))
		}
		switch {
		case reembed:
			// Its commits' vectors were made with the old prefix.
			fmt.Fprintln(env.Stderr, reembedHint)
		case !inUse:
			fmt.Fprintf(env.Stderr, "git-scry: hint: run 'git scry model use %s' to embed with it\n", name)
		}
		return nil
	},
}

// prefixWords shows a prefix as the text it is, quoted: its spaces
// matter ("query: ").
func prefixWords(text string) string {
	if text == "" {
		return "none"
	}
	return cli.Printable(fmt.Sprintf("%q", text))
}

// prefixSource says what chose a prefix: a flag, the model's file, or
// the family its name was recognised as.
func prefixSource(p model.Prefix, flag string) string {
	switch {
	case flag != "":
		return "from " + flag
	case p.File != "":
		return "from " + cli.Printable(p.File)
	case p.Family != "":
		return "git scry's default for " + p.Family + " models"
	}
	return "the model declares none"
}

// reembedHint follows a change of the embedder in use: an index's
// vectors are its embedder's, and until it is run again semantic search
// is unavailable, which 'model use' did not say.
const reembedHint = "git-scry: hint: run 'git scry index' in each repository to embed its commits anew; semantic search waits for it"

// backToBuiltin says what going back to the built-in embedder from the
// model named before (prev: its entry, nil when it is not registered)
// leaves to do. An index that holds a model's vectors embeds its commits
// anew on its next run; one that holds the built-in embedder's already
// (the model could not run here, and the index used the built-in
// embedder in its stead, or no index ran here since the model was
// chosen) embeds nothing: the hint to run it, and that semantic search
// waits for it, was said of both.
func backToBuiltin(ctx context.Context, env *cli.Env, before string, prev *model.Entry) {
	runs := prev != nil && model.Usable(prev, env.Env) == nil
	switch held := indexVectors(ctx, env); {
	case strings.HasPrefix(held, "onnx:"):
		fmt.Fprintln(env.Stderr, reembedHint)
	case held != "":
		fmt.Fprintln(env.Stderr, "git-scry: the index here already holds the built-in embedder's vectors: nothing to embed anew")
		if runs {
			// Other repositories may have been indexed with it since
			// it was chosen.
			fmt.Fprintf(env.Stderr, "git-scry: hint: run 'git scry index' in any other repository indexed with model %s to embed its commits anew; semantic search there waits for it\n", before)
		}
	case runs:
		fmt.Fprintln(env.Stderr, reembedHint)
	default:
		// An index run here used the built-in embedder in the model's
		// stead, as searches do; one made while it could run says so
		// itself (the index holds vectors of onnx:…).
		fmt.Fprintf(env.Stderr, "git-scry: model %s cannot run here, and index runs embedded with the built-in embedder in its stead: nothing to embed anew\n", before)
	}
}

// indexVectors names the embedder whose vectors the index of the
// repository git scry runs in holds: "" outside a repository, without an
// index, or before its first vectors.
func indexVectors(ctx context.Context, env *cli.Env) string {
	r, err := openRepoFast(ctx, env)
	if err != nil || !index.Exists(r) {
		return ""
	}
	st, err := store.Open(ctx, index.DBPath(r))
	if err != nil {
		return ""
	}
	defer st.Close()
	vs, err := st.VectorSpace(ctx)
	if err != nil || vs.Gen == 0 {
		return ""
	}
	return vs.Embedder
}

var modelUseCmd = &cli.Command{
	Name:  "use",
	Usage: modelUsage,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := nargs("model use", fs, args, 1, 1); err != nil {
			return err
		}
		name := args[0]
		path, err := registryPath(env)
		if err != nil {
			return err
		}
		var entry model.Entry
		var before string
		var prev *model.Entry
		err = updateRegistry(ctx, path, func(r *model.Registry) error {
			before = r.Active
			if name == model.Builtin {
				if e, ok := r.Find(before); ok {
					c := *e
					prev = &c
				}
				r.Active = ""
				return nil
			}
			e, ok := r.Find(name)
			if !ok {
				if len(r.Models) == 0 {
					return cli.Failf("no model named %s", name).WithHint("no model is registered (%s is the built-in embedder); 'git scry model add DIR' registers one", model.Builtin)
				}
				return cli.Failf("no model named %s", name).WithHint("%s (and %s, the built-in embedder); 'git scry model add DIR' registers another", modelNames(r), model.Builtin)
			}
			// Files that are no longer the pinned ones would never be
			// used: every search would fall back to the built-in
			// embedder behind a "using model" that said otherwise.
			for _, f := range e.Files() {
				if err := model.Verify(f); errors.Is(err, iofs.ErrNotExist) {
					return cli.Failf("model %s: %s is missing", name, f.Path).WithHint("%s", model.MovedHint(e, true))
				} else if err != nil {
					return cli.Failf("model %s: %v", name, err).WithHint("%s", model.ChangedHint(e))
				}
			}
			entry = *e
			r.Active = name
			return nil
		})
		if err != nil {
			return err
		}
		if name == model.Builtin {
			fmt.Fprintln(env.Stderr, "git-scry: using the built-in embedder")
			if before != "" {
				backToBuiltin(ctx, env, before, prev)
			}
			return nil
		}
		runs := true
		if e, err := model.Open(ctx, &entry, env.Env); err != nil {
			runs = false
			cli.Warnf(env.Stderr, "git-scry", "model %s cannot run here (%v); searches use the built-in embedder until it can", name, err)
		} else {
			e.Close()
		}
		fmt.Fprintf(env.Stderr, "git-scry: using model %s\n", name)
		if runs && before != name {
			fmt.Fprintln(env.Stderr, reembedHint)
		}
		return nil
	},
}

var modelLsCmd = &cli.Command{
	Name:  "ls",
	Usage: modelUsage,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := nargs("model ls", fs, args, 0, 0); err != nil {
			return err
		}
		path, err := registryPath(env)
		if err != nil {
			return err
		}
		reg, err := model.Load(path)
		if err != nil {
			return registryError(err, path)
		}
		active := reg.Active
		if active == "" {
			active = model.Builtin
		}
		// Whether each model's files are still the registered ones: a
		// model not in use whose directory moved was listed as if it
		// could be chosen.
		type filesState struct {
			State  string `json:"state"`
			Reason string `json:"reason,omitempty"`
		}
		states := make(map[string]filesState, len(reg.Models))
		for i := range reg.Models {
			state, err := model.FilesState(&reg.Models[i])
			fst := filesState{State: state}
			if err != nil {
				fst.Reason = err.Error()
			}
			states[reg.Models[i].Name] = fst
		}
		if asJSON, _ := fs.GetBool("json"); asJSON {
			return cli.WriteJSON(env.Stdout, map[string]any{
				"active": active, "registry": path, "models": reg.Models,
				"files": states, "in_use": model.Describe(ctx, env.Env),
			})
		}
		var t cli.Table
		t.Row("NAME", "IN USE", "SHA256", "FILES", "POOLING", "SETTINGS", "QUERY PREFIX", "PASSAGE PREFIX", "MODEL")
		mark := func(n string) string {
			if n == active {
				return "*"
			}
			return ""
		}
		t.Row(model.Builtin, mark(model.Builtin), "-", "-", "-", "-", "-", "-", "(learned from each repository)")
		var broken []string
		for _, e := range reg.Models {
			state := states[e.Name].State
			// What --json alone said: the settings that are not the
			// defaults, a word each, so the table stays narrow.
			settings := "-"
			if s := e.SettingsShown(); len(s) > 0 {
				settings = strings.Join(s, ",")
			}
			t.Row(e.Name, mark(e.Name), fmt.Sprintf("%.12s", e.Model.SHA256), state, e.PoolingShown(), settings, fmt.Sprintf("%q", e.QueryPrefix), fmt.Sprintf("%q", e.PassagePrefix), e.Model.Path)
			if state != "ok" && e.Name != reg.Active {
				broken = append(broken, e.Name)
			}
		}
		if err := t.Write(env.Stdout); err != nil {
			return err
		}
		for _, name := range broken {
			// The one in use is said below, with why searches do not use it.
			cli.Warnf(env.Stderr, "git-scry", "model %s: %s", cli.Printable(name), cli.Printable(states[name].Reason))
		}
		// A moved model is added again where it is now; a changed one
		// is other files under a taken name, which add refuses until
		// the name is removed.
		var moved, changed bool
		for _, name := range broken {
			if states[name].State == "changed" {
				changed = true
			} else {
				moved = true
			}
		}
		if moved {
			fmt.Fprintln(env.Stderr, "git-scry: hint: register a model again where its files are now ('git scry model add DIR --name NAME'), or remove it ('git scry model rm NAME')")
		}
		if changed {
			fmt.Fprintln(env.Stderr, "git-scry: hint: register a changed model again: 'git scry model rm NAME', then 'git scry model add DIR --name NAME'")
		}
		if reg.Active != "" {
			if st := model.Describe(ctx, env.Env); st.Embedder != "onnx" {
				cli.Warnf(env.Stderr, "git-scry", "searches use the %s", st.Reason)
				if st.Hint != "" {
					fmt.Fprintf(env.Stderr, "git-scry: hint: %s\n", st.Hint)
				}
			}
		}
		return nil
	},
}

var modelRmCmd = &cli.Command{
	Name:  "rm",
	Usage: modelUsage,
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := nargs("model rm", fs, args, 1, 1); err != nil {
			return err
		}
		name := args[0]
		path, err := registryPath(env)
		if err != nil {
			return err
		}
		wasActive := false
		var prev *model.Entry
		err = updateRegistry(ctx, path, func(r *model.Registry) error {
			wasActive = r.Active == name
			if e, ok := r.Find(name); ok {
				c := *e
				prev = &c
			}
			switch {
			case r.Remove(name):
			case name == model.Builtin:
				return cli.Failf("%s is the built-in embedder, not a registered model", name).WithHint("it cannot be removed; 'git scry model use %s' makes it the one in use", model.Builtin)
			case len(r.Models) == 0:
				return cli.Failf("no model named %s", name).WithHint("no model is registered")
			default:
				return cli.Failf("no model named %s", name).WithHint("%s; 'git scry model ls' shows them", modelNames(r))
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "git-scry: removed model %s\n", name)
		if wasActive {
			fmt.Fprintln(env.Stderr, "git-scry: it was in use: the built-in embedder is used now")
			backToBuiltin(ctx, env, name, prev)
		}
		return nil
	},
}

// modelNames says which models are registered, for a hint ("the models
// registered are a, b and c"): a name mistyped, or in another case, is
// among them.
func modelNames(r *model.Registry) string {
	var names []string
	for _, e := range r.Models {
		names = append(names, e.Name)
	}
	if len(names) == 1 {
		return "the model registered is " + names[0]
	}
	return "the models registered are " + cli.AndList(names)
}
