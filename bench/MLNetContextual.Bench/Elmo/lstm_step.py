# PyTorch side of bench elmo-lstm-step: a 2-layer bidirectional LSTM (256 cells, input 256), batch 32 x 40 steps,
# forward + backward, median of 7 runs; nn.LSTM (fused ATen kernel) and a cell stepped in Python as ElmoLstmLayer is in C#.
import sys, time, statistics, torch
threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads); torch.manual_seed(1)
H, B, T = 256, 32, 40
x = torch.randn(B, T, H)
lstm = torch.nn.LSTM(H, H, num_layers=2, bidirectional=True, batch_first=True)
def fused():
    out, _ = lstm(x); out.pow(2).mean().backward(); lstm.zero_grad()
cells = [(torch.nn.Linear(H, 4 * H, bias=False), torch.nn.Linear(H, 4 * H)) for _ in range(4)]
def run(layer, inp):
    wi, wh = layer; xin = wi(inp); c = torch.zeros(B, H); m = torch.zeros(B, H); outs = []
    for s in range(T):
        i, j, f, o = (xin[:, s] + wh(m)).chunk(4, 1)
        c = (torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(j)).clamp(-3, 3)
        m = (torch.sigmoid(o) * torch.tanh(c)).clamp(-3, 3); outs.append(m)
    return torch.stack(outs, 1)
def stepped():
    f = run(cells[1], run(cells[0], x)); g = run(cells[3], run(cells[2], x.flip(1)))
    torch.cat([f, g.flip(1)], 2).pow(2).mean().backward()
    for a, b in cells: a.zero_grad(); b.zero_grad()
for name, fn in [("nn.LSTM (fused)", fused), ("cell stepped in Python (as ElmoLstmLayer)", stepped)]:
    fn(); times = []
    for _ in range(7):
        t0 = time.perf_counter(); fn(); times.append((time.perf_counter() - t0) * 1000)
    print(f"PyTorch {torch.__version__} {name}, 2x{H} bidirectional, batch {B} x {T}, {threads} threads: forward+backward median {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f})")
