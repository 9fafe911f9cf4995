// The one table of diagnostic codes: each code one meaning, with its message as a template
// (TypeScript's diagnosticMessages.json is the model). E01xx syntax, E02xx names and
// arguments, E03xx shapes, E04xx tasks and data, E05xx back ends. Every code has a golden fixture
// (test/fixtures/<code>-*.nn); docs/diagnostics.md is generated from this table.
import type { Span } from '../grammar/ast.js';
import { formatTemplate, pickHelp, type Holes, type TemplateValues } from './templates.js';

export type Severity = 'error' | 'warning';

interface CodeInfo {
  severity: Severity;
  title: string;
  /** What follows `title: `, with `{name}` placeholders (`{n|noun}` writes "1 noun", "2 nouns"). */
  message: string;
  /** A template, or variants: the first whose placeholders all have values is shown. */
  help?: string | readonly string[];
  /** Help templates, one picked by the call site's `hint` (shown when its values are given). */
  hints?: Readonly<Record<string, string>>;
  /** The message of the notes (secondary spans) the call site points at: one template, or
   *  templates by name, each note naming its own. */
  label?: string | Readonly<Record<string, string>>;
  /** An editor shows this warning as an error: in a workspace, nnc treats the files it opens
   *  as untrusted. */
  editorError?: true;
}

const GUESS = "did you mean '{guess}'?";

export const DIAGNOSTIC_CODES = {
  E0100: { severity: 'error', title: 'unexpected character', message: '{char}' },
  // The parser's own sentence (grammar/parse.ts words chevrotain's in the user's terms).
  E0101: { severity: 'error', title: 'syntax error', message: '{detail}', label: 'this bracket is never closed' },
  E0102: { severity: 'error', title: 'nesting too deep', message: 'brackets nested more than {max} deep' },
  E0103: { severity: 'error', title: 'too many errors', message: '{count|more diagnostic} not shown', help: 'fix the first ones and check again' },

  E0201: { severity: 'error', title: 'unknown name', message: "'{name}' is not defined", help: ['it is in {module}: add `import {module}`', GUESS] },
  E0202: { severity: 'error', title: 'unknown argument', message: "{callee} has no argument '{name}'", help: [GUESS, 'its arguments are: {params}', '{callee} takes no arguments'] },
  E0203: { severity: 'error', title: 'duplicate definition', message: "'{name}' is already defined in this {scope}", label: 'first defined here' },
  E0204: { severity: 'error', title: 'module not found', message: 'no module named {module}',
    hints: { notStd: 'standard-library modules are named std.NAME; files are imported by a quoted path' } },
  E0205: { severity: 'error', title: 'cycle', message: '{cycle}', help: 'move the shared declarations into a third file that both import' },
  E0206: { severity: 'error', title: 'conflicting imports', message: "'{name}' comes from both {first} and {second}", label: "'{name}' from {first}",
    help: 'import one of the modules with `as NAME` to keep its names qualified' },
  E0207: { severity: 'error', title: 'wrong argument type', message: "'{name}': expected {expected}, found {found}" },
  E0208: { severity: 'error', title: 'missing argument', message: "{callee} needs '{name}' ({type})", help: '{doc}' },
  E0209: { severity: 'error', title: 'too many arguments', message: '{callee} takes {count|positional argument}', help: 'give the others by name, e.g. `{named}: ...`' },
  E0210: { severity: 'error', title: 'invalid argument value', message: "'{name}' is out of range: expected {expected}, found {found}", help: 'e.g. {example}', hints: {
    seedText: 'give a longer text, or leave seed_text out to start from a window of the corpus',
  } },
  E0211: { severity: 'error', title: 'not applicable', message: 'the right side of -> must be a layer, found {found}', help: 'layers are calls like dense(8) or names like flatten' },
  E0212: { severity: 'error', title: 'no current flow', message: 'nothing flows into {layer} yet', help: 'declare an `input` first' },
  E0213: { severity: 'error', title: 'duplicate argument', message: "'{name}' is given twice" },
  E0214: { severity: 'error', title: 'imported file not found', message: 'cannot read {path}' },
  E0215: { severity: 'error', title: 'definition cycle', message: "'{name}' is defined in terms of itself" },
  E0216: { severity: 'error', title: 'a module is not a value', message: '', help: 'name one of its members, e.g. `m.Name`' },
  E0217: { severity: 'error', title: 'not a data source', message: "data '{name}' must be a data source, found {found}", help: 'e.g. csv("file.csv", columns: ["a"]) or windows(...)' },
  E0218: { severity: 'error', title: 'unknown dtype', message: "'{dtype}': expected float32 or int32" },
  E0219: { severity: 'error', title: 'cannot negate', message: 'expected a number, found {found}' },
  E0220: { severity: 'error', title: 'operator not defined on tensors', message: "'{op}' on tensors needs two tensors and one of + - *, found {found}" },
  E0221: { severity: 'error', title: 'operator not applicable', message: "cannot apply '{op}': expected numbers, dims or tensors, found {left} and {right}" },
  E0222: { severity: 'error', title: 'layer cannot be wrapped', message: '{wrapper} cannot wrap {found}: expected {expected}' },
  E0223: { severity: 'error', title: 'wrong number of inputs', message: '{callee} takes {expected|input}, given {found}' },
  E0224: { severity: 'error', title: 'unknown option', message: "'{value}' is not a valid {name}", help: [GUESS, 'expected one of {options}'] },
  E0225: { severity: 'error', title: 'wrong number of values', message: "'{name}' needs {expected} values, found {found}" },
  E0226: { severity: 'error', title: 'division by zero', message: '' },
  E0227: { severity: 'error', title: 'not a permutation', message: "'{name}' must be a permutation of 1..{rank}, found {found}" },
  E0228: { severity: 'error', title: 'conflicting arguments', message: '{first} > 1 cannot be combined with {second} > 1', help: 'set one of them to 1' },
  E0229: { severity: 'error', title: 'not a tensor', message: 'only a tensor can be piped into a layer, found {found}' },
  E0230: { severity: 'error', title: 'not a model line', message: 'a line in a model must be a layer or a tensor, found {found}' },
  E0231: { severity: 'error', title: 'output is not a tensor', message: 'an output must be a tensor, found {found}' },
  E0232: { severity: 'error', title: 'not callable', message: '{value} cannot be called' },
  E0233: { severity: 'error', title: 'layer input is not a tensor', message: 'a layer is applied to tensors, found {found}' },
  E0235: { severity: 'error', title: 'cannot nest this model', message: '{model} has {count|output}; nesting needs exactly one' },
  E0236: { severity: 'error', title: 'model arguments do not check', message: '{model} does not check with these arguments', help: 'check the model alone with the same values to see the error' },
  E0237: { severity: 'error', title: 'model has no input', message: 'model {model} has no input', help: 'add a line like `input x: [batch, 10, 1]`' },
  E0239: { severity: 'error', title: 'unknown member', message: "{owner} has no member '{name}'", help: GUESS },
  E0240: { severity: 'error', title: 'module not imported', message: 'no module {module} is imported', help: 'add `import {module}`' },
  E0241: { severity: 'error', title: 'cannot concatenate along the batch axis', message: 'concat cannot join along axis {axis}, the batch axis: it joins the tensors sample by sample',
    help: 'join along a feature axis, 1 to {last} (-1 for the last)' },
  E0242: { severity: 'error', title: 'number too large', message: '{what} is outside the range of exact integers, ±{max}',
    help: 'integers (dims, units, lets) must stay within ±2^53 - 1; a Float literal (with a decimal point) is not counted exactly' },
  E0243: { severity: 'error', title: 'nested too deep', message: '{what} nest more than {max} deep here', help: 'split the chain with intermediate declarations' },
  E0244: { severity: 'error', title: 'not a .nn file', message: 'only .nn files can be imported, found {path}', help: 'data files are read by data sources, e.g. csv({path})' },
  E0245: { severity: 'error', title: 'size too complex', message: '{what} has more than {max} once multiplied out',
    help: 'give the size a name of its own: a model parameter (`model M(width: Int)`) or a let' },

  E0301: { severity: 'error', title: 'shape mismatch', message: '{layer} needs tensors of the same shape: expected {expected}, found {found}' },
  E0302: { severity: 'error', title: 'wrong rank', message: '{layer} takes a tensor of rank {expected}, found {shape} (rank {found})', hints: {
    sequence: 'a sequence layer needs [batch, time, features]; use return_sequences: true on the layer before, or reshape',
    flatten: 'flatten (or a global pooling layer) first',
    channels: 'images need [batch, height, width, channels]; reshape to add a channel axis',
  } },
  E0303: { severity: 'error', title: 'dimension must be known', message: '{need}, but it is {dim} and {reason}',
    help: 'give the dim a number in the input shape, or train the model on data that fixes it', label: 'trained on this data' },
  E0304: { severity: 'error', title: 'reshape size mismatch', message: 'reshape must keep the element count: expected {expected} elements (from {input}), found {found} (from {target})' },
  E0305: { severity: 'error', title: 'dimension too small', message: '{layer} output would be empty: axis {axis} has length {length}, the window needs {window}',
    help: 'use padding: same, a smaller kernel, or a longer input' },
  E0306: { severity: 'error', title: 'wrong dtype', message: '{layer} takes integer token ids: expected {expected}, found {found}', help: 'declare the input as `int32[batch, length]`' },
  E0307: { severity: 'error', title: 'dimension unknown', message: '{need}, but it is {dim}', help: 'fix the dim in the input shape, or bind it from data with a known size' },
  E0308: { severity: 'error', title: 'argument must be known', message: "'{name}' of {layer} must be a known number here, found {found}" },
  E0309: { severity: 'error', title: 'reshape cannot infer -1', message: 'cannot infer the -1 dim: {count} elements do not divide by {fixed}' },
  E0310: { severity: 'error', title: 'dimension not positive', message: 'dims must be positive, found {found}' },
  E0311: { severity: 'error', title: 'not a dimension', message: 'a dim must be an Int or a named dim, found {found}' },
  E0312: { severity: 'error', title: 'concat shape mismatch', message: 'concat needs equal dims except on axis {axis}: expected {expected}, found {found}' },
  E0313: { severity: 'error', title: 'model input mismatch', message: "{model} input '{input}' does not match: expected {expected}, found {found}" },
  W0314: { severity: 'warning', title: 'layer too large', message: '{layer} has {params} weights, {bytes} as float32', help: 'check its units and input size' },

  E0401: { severity: 'error', title: 'unknown task kind', message: "'{name}' is not a task kind", help: [GUESS, 'known kinds: {kinds}'] },
  E0402: { severity: 'error', title: 'unknown task field', message: "{owner} has no field '{name}'", help: [GUESS, 'fields: {fields}'] },
  E0403: { severity: 'error', title: 'missing task field', message: "{kind} needs '{name}'", help: "{doc} Add `{name}: ...` to the task's fields.", hints: {
    trainedWeights: '{model} is a model of this file, and random weights have nothing to show: add `weights: "out/FOLDER"`, the folder its train task saved',
  } },
  E0404: { severity: 'error', title: 'data does not fit the model', message: '{data} does not fit the {part} of {model}: expected {expected}, found {found}', label: '{model} is declared here',
    hints: { bothModels: "{other} takes {expected} too: change both models' arguments to the data's shape, or use data of theirs",
      unlabelled: 'a conditional gan draws the classes of the data\'s labels: use labelled images (mnist(), idx(FILE, labels: FILE, ...)), label them by k-means cluster (clusters(DATA, K)), or use a generator with one input and a discriminator with one output',
      classIds: 'the data gives class ids; a conditional gan reads one-hot labels: one_hot(DATA, classes: {classes})' } },
  E0405: { severity: 'error', title: 'loss does not fit the output', message: '{loss} needs {expected}, found {found}',
    label: { model: "{model}'s output is {output}", data: 'the labels come from this data: y is {y}' }, hints: {
      binaryIds: 'use sparse_categorical_crossentropy with dense({classes}, activation: softmax)',
      oneUnit: 'one unit is a yes/no classifier: use binary_crossentropy with a sigmoid, or dense(classes, activation: softmax)',
      values: 'this data gives values to predict, not classes: use mse, mae or huber',
      ids: 'use sparse_categorical_crossentropy, which takes class ids',
    } },
  E0406: { severity: 'error', title: 'wrong field type', message: "'{name}': expected {expected}, found {found}" },
  E0407: { severity: 'error', title: 'not a model', message: "{kind} acts on a model declared with `model`, but '{name}' is {found}",
    help: [GUESS, 'declare the model with `model NAME`, then name it here'] },
  E0408: { severity: 'error', title: 'a model does not fit its part in the task', message: 'the {part} of {role} {model} must be {target}: expected {expected}, found {found}', label: '{model} is declared here' },
  E0409: { severity: 'error', title: 'task kind not imported', message: '{kind} tasks come from {module}', help: 'add `import {module}` at the top of the file' },
  W0410: { severity: 'warning', title: 'generator output does not match the pixel range', message: '{model} ends in {activation}, but pixels: {range} shows the discriminator images in {interval}',
    help: 'end the generator in {want}, or set pixels: {other}', label: '{model} is declared here' },
  E0411: { severity: 'error', title: 'pretrained model cannot be read', message: 'cannot read {path}: {reason}' },
  E0412: { severity: 'error', title: 'the task needs an image model', message: '{kind} needs a model that takes images [batch, height, width, 3]; {model} takes {shape}',
    label: '{model} is declared here', hints: {
      dream: 'DeepDream changes the pixels of an image so that the feature detectors of a convolutional network fire more strongly; a model over anything but images has no pixels to change and no visual features to amplify (a recurrent net on a sequence of numbers cannot dream up a picture). Use inception_v3() from std.dream, or load("model.json") of a convolutional network.',
      style: 'style transfer matches the textures of a painting (Gram matrices of a convolutional network\'s feature maps) while keeping what a deep layer sees of a photograph; a model over anything but images has no feature maps to compare (a recurrent net on a sequence of numbers has no notion of texture or content). Use inception_v3() from std.style, or load("model.json") of a convolutional network.',
    } },
  E0413: { severity: 'error', title: 'no such layer in the model', message: "{model} has no layer '{name}'", help: [GUESS, 'its layers include {layers}'] },
  E0414: { severity: 'error', title: 'wrong kind of data', message: '{source} needs {expected}, found {found}', help: 'e.g. {example}' },
  E0415: { severity: 'error', title: 'wrong data rank', message: '{source} needs a series of rank {expected}, found {found}' },
  W0416: { severity: 'warning', title: 'data file not found', message: 'cannot find {path}', help: 'paths are relative to the .nn file; running stops here unless the file exists by then' },
  E0417: { severity: 'error', title: 'no such column or array', message: "{path} has no {what} '{name}'", help: ["did you mean '{guess}'? Its {what}s are: {names}", 'its {what}s are: {names}'] },
  E0418: { severity: 'error', title: 'column is not numeric', message: "column '{name}' of {path} holds {value} at line {line}, not a number", help: 'x columns must hold numbers; a column of names can be the label: `y: "{name}"`' },
  E0419: { severity: 'error', title: 'class count does not fit the output', message: '{data} has {classes} classes but {model} has {units} output units', label: '{model} is declared here', help: 'make the last layer dense({classes}, activation: softmax), or declare the number of classes the data really has' },
  E0420: { severity: 'error', title: 'data file cannot be read', message: 'cannot read {path}: {reason}' },
  E0422: { severity: 'error', title: 'column number past the last column', message: '{path} has {count|column} (numbered 0 to {last}), so it has no column {index}', help: 'columns are numbered from 0, as in pandas\' iloc; range(a, b) stops before b' },
  E0423: { severity: 'error', title: 'inputs and targets differ in sample count', message: '{x} holds {xCount|sample} but {y} holds {yCount|sample}', help: 'x and y pair up sample by sample along axis 0: save arrays of the same length (x[i] with y[i])' },
  E0424: { severity: 'error', title: 'names do not match the model\'s inputs or outputs', message: '{model} takes the {role} {expected}, but {source} gives {names}', label: '{model} is declared here',
    help: ['name the entries of {entries} after the model\'s `{line}` lines, one each; {guess}', 'name the entries of {entries} after the model\'s `{line}` lines, one each'] },
  W0421: { severity: 'warning', title: 'path outside the project', message: "'{name}' {access} {path}, outside the project folder",
    help: 'the project folder is the nearest one above the .nn file with a package.json or .git (else the file\'s own); keep the paths inside it (a run can still write elsewhere with --out)', editorError: true },
  E0430: { severity: 'error', title: 'missing data', message: '{kind} needs data to act on', help: 'add `on NAME` after the kind and the model, NAME a data declaration or a source such as csv(...)' },
  E0431: { severity: 'error', title: 'missing model', message: '{kind} needs the model to act on', help: 'name it after the kind: `{kind} MyModel on data`' },
  E0432: { severity: 'error', title: 'wrong number of model inputs or outputs', message: '{role} {model} must have {expected}, found {inputs|input} and {outputs|output}',
    label: '{model} is declared here' },
  E0433: { severity: 'error', title: 'weights given for a pretrained model', message: "'weights' loads trained weights into a model of this file; {model} comes with its own",
    help: 'leave `weights` out; to take the weights of a load()ed model from a Keras HDF5 file, write load("model.json", weights: "file.h5")' },

  // Back ends: what `nnc compile --target pytorch` cannot express.
  E0501: { severity: 'error', title: 'not expressible in PyTorch', message: '{what}: {reason}',
    help: 'change it as the reason says, or compile without --target pytorch (the TypeScript back end runs every layer and task)' },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof DIAGNOSTIC_CODES;

/** Whether an editor shows `code` as an error (its severity, or CodeInfo.editorError). */
export function isEditorError(code: Code): boolean {
  const info: CodeInfo = DIAGNOSTIC_CODES[code];
  return info.severity === 'error' || info.editorError === true;
}
type Info<C extends Code> = (typeof DIAGNOSTIC_CODES)[C];
type Text<T> = T extends string ? T : T extends readonly string[] ? T[number] : T extends Readonly<Record<string, string>> ? T[keyof T] : never;
type Field<C extends Code, K extends string> = Info<C> extends { readonly [k in K]: infer T } ? Text<T> : never;
type HintOf<C extends Code> = Info<C> extends { readonly hints: infer H } ? keyof H & string : never;
type LabelOf<C extends Code> = Info<C> extends { readonly label: infer L } ? (L extends string ? never : keyof L & string) : never;

/** The values a code's templates name: those of the message and labels are required, those
 *  only the help and hints name are optional (no value, no such help). */
export type Values<C extends Code> = TemplateValues<Holes<Info<C>['message'] | Field<C, 'label'>>, Holes<Field<C, 'help'> | Field<C, 'hints'>>>
  & ([HintOf<C>] extends [never] ? unknown : { readonly hint?: HintOf<C> });

/** A secondary span; its message comes from the code's label template (`label` names which,
 *  where the code has several). */
export interface Note<L extends string = string> { span: Span; file?: string; label?: L }
/** The notes of `C`: each names one of its labels where it has several. */
export type NoteOf<C extends Code> = [LabelOf<C>] extends [never] ? Note<never> : Note<LabelOf<C>> & { label: LabelOf<C> };
export interface Label { span: Span; message: string; file?: string }

export interface Diagnostic {
  code: Code;
  severity: Severity;
  /** The file (path as given) the primary span is in. */
  file: string;
  span: Span;
  /** Title plus the specifics, e.g. "shape mismatch: expected [b, 32], found [b, 16]". */
  message: string;
  expected?: string;
  found?: string;
  labels: Label[];
  help?: string;
}

type Loose = Readonly<Record<string, string | number | undefined>>;

export function makeDiagnostic<C extends Code>(code: C, file: string, span: Span, values: Values<C>, notes: readonly NoteOf<C>[] = []): Diagnostic {
  const info: CodeInfo = DIAGNOSTIC_CODES[code];
  const v = values as Loose;
  const detail = formatTemplate(info.message, v);
  const hint = v['hint'] !== undefined ? info.hints?.[v['hint']] : undefined;
  const text = (x: string | number | undefined) => (x === undefined ? undefined : String(x));
  const labelOf = (n: Note): string | undefined => (typeof info.label === 'string' ? info.label : n.label === undefined ? undefined : info.label?.[n.label]);
  return {
    code, severity: info.severity, file, span, message: detail ? `${info.title}: ${detail}` : info.title,
    labels: notes.flatMap((n: Note) => {
      const label = labelOf(n);
      return label === undefined ? [] : [{ span: n.span, file: n.file, message: formatTemplate(label, v) }];
    }),
    help: pickHelp(hint, v) ?? pickHelp(info.help, v), expected: text(v['expected']), found: text(v['found']),
  };
}

/** Thrown by the layer and data-source rules (compiler/layers, compiler/data), caught by
 *  the evaluator, which reports it on the span `at` names. Internal control flow only: it
 *  never leaves compiler/ (the rules run deep inside shape arithmetic, where returning a
 *  result through every helper would hide the rules). */
export class RuleError extends Error {
  private constructor(readonly code: Code, readonly values: Loose, readonly where: { at?: 'input' | string; inputIndex?: number }) {
    super(formatTemplate(DIAGNOSTIC_CODES[code].message, values));
  }
  static of<C extends Code>(code: C, values: Values<C>, where: { at?: 'input' | string; inputIndex?: number } = {}): RuleError {
    return new RuleError(code, values as Loose, where);
  }
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}
