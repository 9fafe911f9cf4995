// The loss of a `train` task against the model's output and the data's labels, with Keras's
// rules: categorical cross-entropy takes one-hot labels [n, classes], sparse categorical
// cross-entropy class ids [n, 1] (a sequence output [batch, time, classes] takes them per
// step: one-hot [n, time, classes] or ids [n, time, 1]), binary cross-entropy targets of the output's shape (one
// sigmoid unit, or several for multi-label). One conversion: one-hot labels under the sparse
// loss are turned into class ids when the data load (runtime/tasks/train-task.ts), because
// the packaged sets are one-hot where Keras's are integers, and Keras programs on MNIST say
// `sparse_categorical_crossentropy`.
import type { Span } from '../../grammar/ast.js';
import type { Note } from '../diagnostics.js';
import type { LabelEncoding } from '../ir.js';
import { formatShape, type Shape } from '../shapes/shape.js';
import type { Sink } from './context.js';

export interface LossFit {
  sink: Sink;
  file: string;
  loss: string | undefined;
  /** The loss field's value (the task's kind when the loss is missing). */
  lossSpan: Span;
  /** The data after `on`. */
  dataSpan: Span;
  /** The model's output (its dims bound by the data) and where the model is declared. */
  out: Shape;
  model: Note<never>;
  modelName: string;
  y: Shape;
  labels: LabelEncoding | undefined;
  /** The class count of ids labels, when the data declares it. */
  classes?: number;
  /** Without a declared count: how many classes the checker saw in the file's first rows. */
  classesSeen?: number;
  /** Reports y against the output as a shape mismatch (E0404) when they do not unify; true if they do. */
  yFits: () => boolean;
  /** The same for class ids: y against the output with its class axis as 1 ([n, time, 1] for [batch, time, classes]). */
  idsFit: () => boolean;
}

const CLASSIFIER = 'an output [batch, classes] (or [batch, time, classes]) with 2 or more classes (softmax)';

/** Whether the loss fits the output and the labels; reports E0405 at the loss field if not. */
export function fitLossToLabels(c: LossFit): boolean {
  const { out, y, loss } = c;
  type Hint = 'binaryIds' | 'oneUnit' | 'values' | 'ids';
  const problem = (expected: string, found: string, hint?: Hint, data = false) => {
    const model = { ...c.model, label: 'model' as const };
    const notes = data ? [{ span: c.dataSpan, file: c.file, label: 'data' as const }, model] : [model];
    c.sink.report('E0405', c.file, c.lossSpan, { loss: loss ?? 'the loss', expected, found, hint, classes: c.classes, model: c.modelName, output: formatShape(out), y: formatShape(y) }, notes);
    return false;
  };
  const classes = out.dims[out.dims.length - 1];
  if (c.labels === 'ids' && c.classes === undefined && c.classesSeen !== undefined) {
    const units = classes?.value;
    if (loss === 'sparse_categorical_crossentropy' && out.dims.length >= 2 && units !== undefined && units > 1 && c.classesSeen > units) {
      c.sink.report('E0419', c.file, c.dataSpan, { data: 'the data (in its first rows alone)', classes: c.classesSeen, model: c.modelName, units }, [{ ...c.model }]);
      return false;
    }
  }
  if (c.labels === 'ids' && c.classes !== undefined) {
    const units = classes?.value;
    if (loss === 'sparse_categorical_crossentropy' && out.dims.length >= 2 && units !== undefined && units !== 1 && units !== c.classes) {
      c.sink.report('E0419', c.file, c.dataSpan, { data: 'the data', classes: c.classes, model: c.modelName, units }, [{ ...c.model }]);
      return false;
    }
    if (loss === 'binary_crossentropy' && c.classes > 2) {
      return problem('0/1 targets', `class ids of ${c.classes} classes`, 'binaryIds', true);
    }
  }
  // No loss yet (evaluate takes its train task's later): class ids fit an output of classes.
  if (loss === undefined && c.labels === 'ids') return c.idsFit();
  if (loss === 'categorical_crossentropy' || loss === 'sparse_categorical_crossentropy') {
    // [batch, classes], or one class per step of a sequence; an image-shaped output has
    // most likely lost its flatten (Keras would take it with targets of its shape).
    if (out.dims.length < 2 || out.dims.length > 3 || classes?.value === 1) {
      return problem(CLASSIFIER, formatShape(out), classes?.value === 1 && out.dims.length === 2 ? 'oneUnit' : undefined);
    }
  }
  if (loss === 'sparse_categorical_crossentropy') {
    if (c.labels === 'ids') return out.dims.length === 2 || c.idsFit();
    if (c.labels === 'onehot') return c.yFits(); // taken by argmax at load time
    return problem('class labels (ids [n, 1] or one-hot [n, classes])', `values ${formatShape(y)}`, 'values', true);
  }
  if (loss === 'categorical_crossentropy' && c.labels === 'ids') {
    return problem('one-hot labels [n, classes]', `class ids ${formatShape(y)}`, 'ids', true);
  }
  return c.yFits();
}
