"""The stated limits of the files the app reads: checked before any work or allocation, and
quoted in the messages that refuse a file (docs/file-format.md lists them)."""
from ..training.history import MAX_CAPACITY

#: Units in one layer (the inputs and the outputs included).
MAX_LAYER_SIZE = 1_024
#: Layers of weights (hidden layers + the output layer).
MAX_LAYERS = 33
#: Weights and biases of a whole network.
MAX_PARAMETERS = 500_000
#: Classes of a classification.
MAX_CLASSES = 10
#: Rows of data (training and test together), and rows × input columns.
MAX_SAMPLES = 100_000
MAX_CELLS = 10_000_000
#: Input columns of a CSV file.
MAX_COLUMNS = 1_000
#: Rows the training history keeps (it thins itself to stay within its capacity).
MAX_HISTORY_CAPACITY = MAX_CAPACITY
#: Epoch and step counters: exact in the history's float64 table.
MAX_COUNTER = 2**53
MAX_SEED = 2**63 - 1
#: Sizes of the parts of a session file, as stored and as declared.
MAX_ARRAY_BYTES = 256 * 2**20
MAX_JSON_BYTES = 8 * 2**20
#: Characters in one name (of the data, a class or a column).
MAX_NAME = 1_000
