# %% [markdown]
# # Una neurona aprende una recta: el descenso del gradiente paso a paso
#
# Una red neuronal aprende ajustando sus pesos poco a poco, una y otra vez, en la
# dirección que reduce su error. Aquí lo verás en la red más pequeña posible: una sola
# neurona con un solo peso, `a`, que convierte una entrada `x` en `a·x`, su predicción
# de un valor medido `z`. Parte de un `a` aleatorio y aprende a partir de 30 puntos
# medidos. Esta lección sigue un artículo de blog escrito en español, que explica paso a
# paso la regresión lineal y el descenso del gradiente, y reproduce cifra a cifra su
# registro del entrenamiento.
#
# Lo que vale también para las redes grandes: una función de pérdida que mide el error,
# su derivada respecto de cada peso (el *gradiente*) y la actualización que mueve cada
# peso un poco en sentido contrario al gradiente. Lo que queda para más adelante: las
# funciones de activación, las capas y los minilotes.
#
# Ejecuta `python regression_gd_es.py` (`--help` muestra sus opciones) o ábrelo como
# cuaderno y ejecuta las celdas en orden.

# %%
import random
from typing import NamedTuple

import program  # primero: si Python es antiguo o falta un paquete, una sola línea dice por qué
import numpy as np

import data
import exercises
import pictures
from program import note

# %% [markdown]
# ## Los ajustes
#
# Los valores que usa el artículo. Todos, salvo LANGUAGE, son también opciones de la
# línea de comandos (`--lr 0.01`, `--steps 500`, `--data offset.csv`). En un cuaderno,
# cámbialos aquí y vuelve a ejecutar esta celda y las siguientes.

# %%
LEARNING_RATE = 1e-3  # cada paso cambia el peso a en −LEARNING_RATE × gradiente
STEPS = 100  # cuántas actualizaciones hace el entrenamiento
SEED = 45  # semilla del generador aleatorio de Python, que elige el valor inicial de a
EVERY = 10  # cada cuántos pasos se escribe una línea de progreso
FRAMES = 100  # número máximo de fotogramas de la animación del entrenamiento
GUESS = 1.0  # tu propia estimación del peso a, antes de entrenar (mira «Tu turno» más abajo)
DATA = None  # un archivo CSV con tus propios puntos (columnas x,z), o None: los 30 del artículo
OUT = "figures"  # la carpeta donde se guardan las gráficas
EXPLORE = False  # abre el explorador interactivo al final (en Jupyter necesita ipympl)
LANGUAGE = "es"  # el idioma de este archivo: en él hablan sus gráficas, sus errores y --help

# %%
settings = program.read_settings(LANGUAGE, lr=LEARNING_RATE, steps=STEPS, seed=SEED,
                                 every=EVERY, frames=FRAMES, guess=GUESS, data=DATA,
                                 out=OUT, explore=EXPLORE)
lr, steps, seed, every = settings.lr, settings.steps, settings.seed, settings.every

# %% [markdown]
# **Predice y luego ejecuta.** x va de 0 a 10 y z, más o menos de 0 a 20: ¿qué pendiente
# `a` necesitaría aproximadamente una recta que pasara por el origen?
# <details><summary>Respuesta</summary>
#
# Alrededor de 2: z sube unas 20 unidades mientras x sube 10. Más adelante calcularemos
# el valor óptimo: 1,9914.
# </details>

# %% [markdown]
# ## Las medidas
#
# Treinta puntos (x, z) de un experimento. Quedan cerca de una recta que pasa por el
# origen (0, 0), justo el tipo de recta `z = a·x` que dibuja una neurona. Aprender
# consiste en encontrar el `a` cuya recta pasa más cerca de todos ellos. Con `DATA` (o
# `--data ARCHIVO`), la lección usa tus propios puntos.

# %%
POST_X = np.array([0., 0.34482759, 0.68965517, 1.03448276, 1.37931034,
                   1.72413793, 2.06896552, 2.4137931, 2.75862069, 3.10344828,
                   3.44827586, 3.79310345, 4.13793103, 4.48275862, 4.82758621,
                   5.17241379, 5.51724138, 5.86206897, 6.20689655, 6.55172414,
                   6.89655172, 7.24137931, 7.5862069, 7.93103448, 8.27586207,
                   8.62068966, 8.96551724, 9.31034483, 9.65517241, 10.])
POST_Z = np.array([-0.16281253, 1.88707606, 0.39649312, 0.03857752, 4.0148778,
                   0.58866234, 3.35711859, 1.94314906, 6.96106424, 5.89792585,
                   8.47226615, 3.67698542, 12.05958678, 9.85234481, 9.82181679,
                   6.07652248, 14.17536744, 12.67825433, 12.97499286, 11.76098542,
                   12.7843083, 16.42241036, 13.67913705, 15.55066478, 17.45979602,
                   16.41982806, 17.01977617, 20.28151197, 19.38148414, 19.41029831])

# %%
if settings.data is None:
    x, z = POST_X, POST_Z
else:
    x, z = data.read_points(settings.data)  # si no puede leer el archivo, una línea explica por qué
pictures.measurements(x, z)

# %% [markdown]
# **Predice y luego ejecuta.** El valor inicial aleatorio de la celda siguiente está
# entre 0 y 1. ¿Su recta pasará por encima o por debajo de la mayoría de los puntos?
# <details><summary>Respuesta</summary>
#
# Por debajo: como mucho llega a 10 en x = 10, donde los puntos están cerca de 20.
# </details>

# %% [markdown]
# ## La neurona y su inicialización aleatoria
#
# Lo único que calcula la neurona es una multiplicación, `z = a·x`. Como los pesos de
# cualquier red, `a` empieza con un valor aleatorio; al fijar la semilla del generador
# de Python, ese valor es el mismo en cada ejecución, y tus números coinciden con los
# del artículo. En la gráfica, los segmentos rojos son los errores: para cada punto, la
# distancia entre lo que predice la neurona en esa x y lo que se midió.

# %%
def predict(a, x):
    """La salida de la neurona para las entradas x: a·x."""
    return a * x


def random_start(seed):
    """Un peso inicial aleatorio, uniforme en [0, 1), tomado del generador de Python
    con la semilla fijada."""
    random.seed(seed)
    return random.random()

# %%
a = random_start(seed)
pictures.random_start(x, z, a, predict(a, x))
a

# %% [markdown]
# **Predice y luego ejecuta.** La sección siguiente eleva al cuadrado cada error. ¿Qué
# errores pesarán más: los que están cerca de x = 0 o los que están cerca de x = 10?
# <details><summary>Respuesta</summary>
#
# Los de x = 10: allí la distancia es de unos 17 (se midió 19,4 y la recta da 2,7), y su
# cuadrado vale unos 280.
# </details>

# %% [markdown]
# ## ¿Cuánto se equivoca? La función de pérdida
#
# Un solo número para medir cuánto se equivoca la recta: el error cuadrático medio. Se
# eleva al cuadrado el error de cada punto (así cuentan tanto los errores por encima de
# la recta como los de por debajo, y los grandes pesan mucho) y se calcula su media;
# solo una recta que pasara por todos los puntos obtendría un 0. Esa medida se llama
# *función de pérdida*, o simplemente pérdida: aprender es reducirla al mínimo.

# %%
def loss(z_pred, z):
    """Error cuadrático medio: la suma de los errores al cuadrado (`.sum()`)
    dividida entre su número."""
    return float(((z_pred - z) ** 2).sum() / len(z))  # un float de Python: se muestra como número

# %%
start_loss = loss(predict(a, x), z)
note(f"con el valor inicial aleatorio a = {a}, la pérdida es {start_loss}")

# %% [markdown]
# ### Tu turno: ajusta la recta a mano
#
# Antes de que el ordenador aprenda `a`, búscalo tú: cambia `GUESS` en los ajustes,
# vuelve a ejecutar las celdas desde ahí hasta la siguiente y mira en el título de la
# gráfica la pérdida de tu recta. ¿Hasta dónde consigues bajarla? Desde una terminal,
# `python regression_gd_es.py --guess 1.5` no dibuja nada: una nota posterior te da esa
# pérdida y, una vez calculado el mejor `a`, te dice cuánto te has acercado. La página
# web de la lección (`docs/leccion.html`) tiene aquí, en su lugar, una figura
# interactiva: arrastra `a` en ella.

# %%
guess_loss = loss(predict(settings.guess, x), z)
pictures.guess(x, z, settings.guess, predict(settings.guess, x), guess_loss)

# %% [markdown]
# **Predice y luego ejecuta.** El gradiente es la pendiente de la pérdida. En el valor
# inicial aleatorio, ¿es positivo o negativo? ¿Por qué?
# <details><summary>Respuesta</summary>
#
# Negativo: en 0,27, muy por debajo del mejor `a` (cerca de 2), la pérdida baja a medida
# que `a` crece. La fórmula de más abajo da −116,6.
# </details>

# %% [markdown]
# ## La pérdida para cada valor de `a`: un cuenco y su pendiente
#
# Con N puntos, y usando Σ para «la suma sobre todos los puntos» (Σx² = x₁² + x₂² + … +
# x_N²), al desarrollar cada cuadrado, (a·x − z)² = a²x² − 2a·xz + z², la pérdida
# resulta ser una parábola en función de `a`, un cuenco:
#
#     pérdida(a) = (a²·Σx² − 2a·Σxz + Σz²) / N
#
# Su derivada respecto de `a`, el *gradiente*, es la pendiente de la tangente al cuenco
# en ese punto. Solo hacen falta tres reglas: la derivada de a² es 2a, la de `a` es 1 y
# la de una constante es 0. Así, a²·Σx² da 2a·Σx², −2a·Σxz da −2·Σxz y Σz² da 0:
#
#     d pérdida / d a = (2a·Σx² − 2·Σxz) / N = (2/N) · Σ (a·x − z)·x
#
# (La última forma vuelve a juntar las sumas en una, porque a·x·x − z·x = (a·x − z)·x.)
#
# Lo mismo se obtiene punto a punto con la *regla de la cadena*, la regla para derivar
# una función compuesta: el cuadrado de un error e cambia en 2e por cada unidad de e, y
# el error e = a·x − z cambia en x por cada unidad de a; así que (a·x − z)² cambia en
# 2·(a·x − z)·x. Aplicada capa a capa en una red, esa regla es la *retropropagación*.
#
# ### Tu turno (ejercicio 1): escribe el gradiente
#
# Antes de leer la versión de la lección, completa `my_gradient` sustituyendo los `...`
# por tu código (`a * x - z` contiene el error de cada punto, `.sum()` suma los
# elementos de un array y `len(z)` es N). La celda que sigue a la versión de la lección
# comprueba la tuya.
# <details><summary>Una solución</summary>
#
# `return 2 * ((a * x - z) * x).sum() / len(z)`, la misma línea que la de la lección, un
# poco más abajo.
# </details>

# %%
def my_gradient(a, x, z):
    """Tu gradiente de la pérdida respecto del peso a, evaluada en a."""
    ...  # tu código aquí

# %%
def gradient(a, x, z):
    """La derivada de la pérdida respecto del peso a, evaluada en a."""
    return float(2 * ((predict(a, x) - z) * x).sum() / len(z))

# %%
exercises.check_gradient(my_gradient, gradient, x, z)

# %% [markdown]
# Es fácil equivocarse al derivar, así que conviene medir también la pendiente: la
# pérdida un poco a la derecha de `a` menos la pérdida un poco a la izquierda, dividida
# entre la distancia entre los dos puntos (una *diferencia finita centrada*). Con una
# fórmula correcta, la diferencia relativa es de 10⁻⁶ o menos; si faltara el `·x`, sería
# varias veces el propio valor de la fórmula (unas 6 aquí, en el inicio aleatorio).

# %%
def finite_difference(a, x, z, h=1e-6):
    """La pendiente de la pérdida en a, medida: (pérdida(a+h) − pérdida(a−h)) / 2h."""
    return (loss(predict(a + h, x), z) - loss(predict(a - h, x), z)) / (2 * h)

# %%
slope, measured = gradient(a, x, z), finite_difference(a, x, z)
gap = abs(slope - measured) / max(abs(slope), 1e-300)  # relativa al valor de la fórmula
note(f"comprobación del gradiente en el inicio: fórmula {slope:.10g}, diferencia finita "
     f"{measured:.10g} (diferencia relativa {gap:.1e})")

# %% [markdown]
# El gradiente es negativo a la izquierda del fondo, positivo a la derecha y cero justo
# en él. Al igualarlo a cero se obtiene el mínimo, `a* = Σxz / Σx²`, que aquí solo sirve
# para comprobar el entrenamiento: las redes que no son lineales en sus pesos no tienen
# una fórmula así, y por eso existe el descenso del gradiente. (Aquí la pendiente,
# `(2Σx²/N)·(a − a*)`, crece con la distancia al mínimo; en general, una pendiente
# pronunciada no significa que quede mucho camino.)

# %%
def best_a(x, z):
    """El mínimo exacto de la pérdida respecto de a: a* = Σxz / Σx²."""
    return (x * z).sum() / (x * x).sum()

# %%
a_star = best_a(x, z)
min_loss = loss(predict(a_star, x), z)
note(f"mínimo exacto a* = Σxz/Σx² = {a_star}, con pérdida {min_loss}: lo más bajo a lo que puede "
     f"llegar una recta que pase por el origen")
guess = settings.guess
note(f"tu estimación a = {guess:g} está a {abs(guess - a_star):.3g} de a*; su pérdida es "
     f"{guess_loss:.4g}")

# %%
def loss_curve(a_values, x, z):
    """La pérdida a la vez para muchos valores del peso a, para la gráfica del
    cuenco: la fórmula de la parábola, (a²·Σx² − 2a·Σxz + Σz²) / N, con tres sumas y
    una sola pasada por los puntos."""
    a_values = np.asarray(a_values)
    sums = (x * x).sum(), (x * z).sum(), (z * z).sum()
    return (a_values ** 2 * sums[0] - 2 * a_values * sums[1] + sums[2]) / len(z)

# %%
class State(NamedTuple):
    """La neurona con peso a, tal como la muestran las gráficas: su recta, su
    pérdida, su gradiente y su próximo paso."""
    a: float
    fitted: np.ndarray  # la salida a·x de la neurona en cada x: su recta y sus errores
    loss: float
    gradient: float  # la pendiente de la tangente al cuenco en a
    move: float  # lo que cambiará el peso a en el próximo paso: −lr·gradiente

# %%
def state(a, x, z, lr):
    """La neurona con peso a, entrenada con la tasa lr, tal como la muestran las
    gráficas."""
    fitted, slope = predict(a, x), gradient(a, x, z)
    return State(a, fitted, loss(fitted, z), slope, -lr * slope)

# %%
# el cuenco con tangentes en el inicio, en el mínimo (horizontal) y en el punto simétrico
tangents = [state(w, x, z, lr) for w in (a, a_star, 2 * a_star - a)]
pictures.loss_curve(x, z, tangents, loss_curve)

# %% [markdown]
# **Predice y luego ejecuta.** La sección siguiente actualiza `a` restándole la tasa
# multiplicada por el gradiente. Con lr = 0,001, ¿el primer paso cambia `a` en 0,001 o
# en más?
# <details><summary>Respuesta</summary>
#
# En 0,001 × 116,6 = 0,1166, de 0,2719 a 0,3885: la tasa por la pendiente.
# </details>

# %% [markdown]
# ## El descenso del gradiente
#
# Cada paso mueve `a` en sentido contrario a la pendiente: `a ← a − lr·gradiente`, así
# que `a` crece a la izquierda de `a*` y disminuye a su derecha, en una cantidad igual a
# la tasa por la pendiente.

# %%
def step(a, slope, lr):
    """Una actualización de un peso por descenso del gradiente."""
    return a - lr * slope

# %%
step(a, gradient(a, x, z), lr)

# %% [markdown]
# ¿Por qué ese paso va cuesta abajo? Llamemos g al gradiente. Cerca de `a`, la pérdida
# sigue su tangente: si cambias `a` en una cantidad pequeña d, la pérdida cambia más o
# menos g·d. Un paso mueve `a` en d = −lr·g, así que la pérdida cambia en torno a
# −lr·g²: baja, si lr es lo bastante pequeña. (Desde el valor inicial del artículo, la
# tangente predice 90,124 tras el primer paso; como el cuenco se curva hacia arriba, la
# pérdida real queda en 90,585.)
#
# ¿Cuánto puede valer `lr`? Como Σxz = a*·Σx², el gradiente es `(2Σx²/N)·(a − a*)`.
# Sustitúyelo en la regla de actualización y resta `a*` a los dos lados: el nuevo
# `a − a*` es `(a − a*) − lr·(2Σx²/N)·(a − a*)`, es decir, c·(a − a*) con c = 1 −
# lr·2Σx²/N. Cada paso multiplica la distancia a `a*` por el mismo número, c.
#
# - 0 < c < 1, con lr por debajo de N/(2Σx²) (aquí 0,0147): `a` se acerca a `a*` siempre
#   desde el mismo lado, y cada paso elimina la misma fracción, 1 − c, de lo que falta.
# - c = 0, con lr = N/(2Σx²): `a` llega a `a*` en un solo paso.
# - −1 < c < 0, hasta N/Σx² (aquí 0,0295): cada paso se pasa de largo y, aun así, `a`
#   converge.
# - c = −1, con lr = N/Σx²: `a` rebota sin fin entre los mismos dos puntos.
# - c < −1, por encima de N/Σx²: cada oscilación es mayor que la anterior, y el descenso
#   diverge.

# %%
def stability_bound(x):
    """El umbral N/Σx²: por debajo de él, el descenso del gradiente converge; por
    encima, diverge."""
    return len(x) / (x * x).sum()


def contraction(lr, x):
    """c = 1 − lr·2Σx²/N: cada paso multiplica la diferencia a − a* por c."""
    return 1 - lr * 2 * (x * x).sum() / len(x)

# %%
bound, c = stability_bound(x), contraction(lr, x)
note(f"umbral N/Σx² = {bound:.4g}; en esta ejecución, c = 1 − lr·2Σx²/N = {c:.4g} (cada paso "
     f"multiplica la diferencia a − a* por c)")

# %% [markdown]
# El entrenamiento repite el paso y se detiene si la pérdida supera mil veces su valor
# inicial (ha divergido). Cada `every` pasos escribe la línea del artículo: la pérdida
# después del paso (el artículo la llama `error`), el gradiente con el que se dio el
# paso, calculado en el `a` anterior (`gradiente`), y el nuevo `a`.

# %%
BLOWUP = 1000  # si la pérdida supera BLOWUP veces la inicial, la ejecución ha divergido


def blew_up(value, start_loss):
    """Indica si una pérdida muestra que la ejecución ha divergido: no es finita o
    supera BLOWUP veces la inicial."""
    return bool(not np.isfinite(value) or value > BLOWUP * start_loss)

# %%
class History(NamedTuple):
    """Una ejecución con la tasa lr: los pesos y las pérdidas desde el inicio, y el
    gradiente de cada paso."""
    lr: float
    weights: np.ndarray
    losses: np.ndarray
    grads: np.ndarray

# %%
def train(a, x, z, lr, steps, every=None):
    """Hasta `steps` actualizaciones desde el peso inicial a, con una línea cada
    `every` pasos (None: ninguna); se detiene tras el paso en que la pérdida se
    dispara."""
    weights, losses, grads = [a], [loss(predict(a, x), z)], []
    with np.errstate(over="ignore", invalid="ignore"):  # blew_up detecta un desbordamiento
        for i in range(1, steps + 1):
            grads.append(gradient(a, x, z))
            a = step(a, grads[-1], lr)
            weights.append(a)
            losses.append(loss(predict(a, x), z))
            blown = blew_up(losses[-1], losses[0])
            if every and (i % every == 0 or i == steps or blown):
                print(f"i={i}: error={losses[-1]}, gradiente={grads[-1]}, a={a}")
            if blown:
                break
    return History(lr, np.array(weights), np.array(losses), np.array(grads))

# %%
history = train(a, x, z, lr, steps, every)

# %% [markdown]
# > **Errores frecuentes y cómo se ven en el registro**
# >
# > - *El signo de la actualización.* Con `a + lr·gradiente` se sube por el cuenco: la
# >   pérdida (`error`) crece en cada línea del registro y `a` se aleja de la pendiente
# >   de los puntos.
# > - *Olvidar dividir entre N.* El gradiente sale N veces más grande, y cada paso
# >   también. Por eso la pérdida es una media: sin la división, la tasa que funciona
# >   dependería de cuántos puntos haya. Con los 30 puntos del artículo, lr = 0,001 se
# >   comporta entonces como 0,03, justo por encima del umbral de antes: el
# >   entrenamiento diverge.
# > - *Una tasa demasiado grande.* El error crece y `a` salta de un lado a otro de `a*`,
# >   cada vez más lejos (con `--every 1`, `gradiente` cambia de signo en cada línea);
# >   al superar mil veces su valor inicial, la ejecución se detiene con un mensaje de
# >   una línea que propone una tasa.

# %%
def safe_rate(limit):
    """Una tasa de aprendizaje que queda con seguridad por debajo de `limit`, para
    probar cuando una ejecución diverge: el 90 % de ese valor, redondeado a la baja
    a una cifra significativa."""
    magnitude = 10.0 ** np.floor(np.log10(0.9 * limit))
    return float(np.floor(0.9 * limit / magnitude) * magnitude)

# %%
end_a, safe = history.weights[-1], safe_rate(bound / 2)
if blew_up(history.losses[-1], start_loss):  # una sola línea, con la tasa segura para probar
    program.stop_diverged(len(history.grads), history.losses[-1], bound, safe)
if lr >= bound:
    note(f"lr = {lr:g} está en el umbral N/Σx² = {bound:.4g} o por encima: el peso a salta de un "
         f"lado a otro de a* sin acercarse nunca (por encima del umbral, cada vez más lejos)")

# %%
def steps_needed(c, distance, close):
    """Pasos necesarios para ir de `distance` a `close` si cada uno multiplica la
    distancia por c: para una ejecución que terminó a más del 1 % de su distancia
    inicial a a*, lo que haría falta para llegar."""
    if abs(c) >= 1:
        return None
    if c == 0 or distance <= close:
        return 1
    return int(np.ceil(np.log(close / distance) / np.log(abs(c))))

# %%
distance, close = abs(a - a_star), 0.01 * abs(a - a_star)  # el 1 % de la distancia inicial
if abs(end_a - a_star) > close:
    counts = [steps_needed(contraction(safe, x), distance, close),
              steps_needed(c, distance, close)]
    note(f"en el paso {len(history.grads)}, a = {end_a:.6g} todavía está a "
         f"{abs(end_a - a_star):.3g} de a* = {a_star:.6g}; prueba "
         f"{program.ideas(safe, counts, bound)}")

# %% [markdown]
# **Predice y luego ejecuta.** La sección siguiente anima estos 100 pasos. A medida que
# `a` se acerca al fondo del cuenco, ¿sus pasos se alargan, se acortan o siguen igual?
# ¿Por qué?
# <details><summary>Respuesta</summary>
#
# Se acortan: un paso es la tasa por la pendiente, y la pendiente disminuye cerca del
# fondo. Cada paso mide c = 0,932 veces el anterior: 0,1166 el primero y 0,00011 el
# centésimo.
# </details>

# %% [markdown]
# ## El entrenamiento en animación
#
# A la izquierda, los puntos, la recta y sus errores. A la derecha, el cuenco, `a` sobre
# él y su tangente, cuya pendiente («pendiente aquí») es el gradiente en el `a`
# dibujado.

# %%
pictures.training_gif(x, z, history, state, loss_curve)

# %% [markdown]
# **Predice y luego ejecuta.** La gráfica siguiente muestra, paso a paso, cuánto está la
# pérdida por encima de su valor más bajo, en escala logarítmica (donde 1, 10 y 100
# equidistan). ¿Qué forma tendrá?
# <details><summary>Respuesta</summary>
#
# Una recta descendente: cada paso multiplica esa distancia por el mismo número, c² =
# 0,869.
# </details>

# %% [markdown]
# ## La curva de aprendizaje predicha
#
# La pérdida no puede llegar a 0: su valor mínimo es pérdida(a*), 3,463 con los puntos
# del artículo. El *exceso de pérdida* por encima de él, `pérdida(a) − pérdida(a*)`, es
# igual a `(Σx²/N)·(a − a*)²`, así que cada paso lo multiplica por c²: en escala
# logarítmica, una recta. Con esta pérdida, la línea discontinua coincide exactamente:
# comprueba la deducción, no predice nada nuevo. Al elevar al cuadrado se pierde el
# signo de `a − a*`; el panel de la derecha lo muestra: cuando c < 0, `a` cambia de lado
# en cada paso.

# %%
excess = history.losses - min_loss
with np.errstate(under="ignore"):  # c^(2·paso) se redondea a 0
    predicted = excess[0] * c ** (2.0 * np.arange(len(excess)))

# %%
def run_kind(lr, x, start_a, end_a, a_star):
    """Cómo fue una ejecución, para el título: diverge, rebota, apenas se mueve, se
    pasa de largo o converge."""
    bound = stability_bound(x)
    if lr >= bound:
        return "diverging" if lr > bound else "bouncing"
    if abs(end_a - a_star) > 0.9 * abs(start_a - a_star):
        return "barely moving"
    return "overshooting but converging" if lr > bound / 2 else "converging"

# %%
kind = run_kind(lr, x, a, end_a, a_star)
closed = 1 - abs(end_a - a_star) / max(distance, 1e-300)  # la fracción del camino recorrida
pictures.learning_curve(excess, predicted, history.weights - a_star, (kind, c, closed))

# %% [markdown]
# **¿Cuándo parar?** Un entrenamiento real no conoce a* ni sabe cuántos pasos necesita.
# Una regla habitual es detenerse cuando el valor absoluto del gradiente queda por
# debajo de una tolerancia (aquí, la milésima parte de su valor inicial). Como aquí el
# gradiente es proporcional a la diferencia a − a*, eso ocurre a una milésima de la
# distancia inicial a a*; en otros casos, un tramo casi plano puede detenerlo antes de
# tiempo.

# %%
def stopping_step(grads, tolerance):
    """Los pasos que da una ejecución con la regla «parar cuando |gradiente| <
    tolerancia» (None: todos)."""
    small = np.flatnonzero(np.abs(grads) < tolerance)
    return int(small[0]) if small.size else None

# %%
stop = stopping_step(history.grads, 1e-3 * abs(history.grads[0]))
if stop is not None:  # (None: la regla no habría detenido esta ejecución)
    gap = abs(history.weights[stop] - a_star)
    note(f"regla de parada (|gradiente| por debajo de 1/1000 de su valor inicial): se habría "
         f"detenido en el paso {stop}, con a = {history.weights[stop]:.6g}, que queda a {gap:.3g} "
         f"de a* (el {100 * gap / max(distance, 1e-300):.2g}% de la distancia inicial)")

# %% [markdown]
# **Predice y luego ejecuta.** La sección siguiente entrena 10 pasos con cada una de las
# tasas 0,001; 0,00316; 0,01 y 0,0316, y, de las tasas con las que la pérdida nunca
# sube, se queda con la que la deja más baja. ¿Cuál elegirá?
# <details><summary>Respuesta</summary>
#
# 0,01: 0,0316 supera el umbral 0,0295, así que su pérdida sube; de las otras tres, la
# de pasos más largos es la que más baja.
# </details>

# %% [markdown]
# ## Elegir la tasa probando
#
# El umbral N/Σx² tiene fórmula solo porque esta pérdida es una parábola. En una red
# real, la tasa se busca probando: se entrena poco tiempo con tasas separadas por un
# factor √10 ≈ 3,16 y se observa la pérdida. Si la pérdida sube alguna vez, la tasa es
# demasiado grande (o hay un error en el código); de las demás, se elige la que deja la
# pérdida más baja. Aquí: 10 pasos con cada tasa, subiendo desde la de esta ejecución
# mientras la pérdida baje, o reduciendo la tasa hasta que la pérdida baje.

# %%
def loss_falls(a, x, z, lr, steps=10):
    """Indica si la pérdida baja en cada uno de los `steps` pasos con la tasa lr
    (salvo redondeos)."""
    losses = train(a, x, z, lr, steps).losses
    rises = np.diff(losses) > 1e-12 * losses[:-1]
    return len(losses) == steps + 1 and not bool(np.any(rises))


def rates_by_trying(a, x, z, lr):
    """{tasa: si la pérdida bajó}, separadas por un factor √10 a partir de lr,
    subiendo mientras baje o reduciendo la tasa hasta que la pérdida baje, como
    máximo 30 tasas."""
    tried = {lr: loss_falls(a, x, z, lr)}
    factor, rate = (10 ** 0.5 if tried[lr] else 10 ** -0.5), lr  # números de Python sin más (float)
    while tried[rate] == (factor > 1) and len(tried) < 30:  # hacia arriba: bajó; hacia abajo: subió
        rate *= factor
        tried[rate] = loss_falls(a, x, z, rate)
    return tried

# %%
tried = rates_by_trying(a, x, z, lr)
fell = [rate for rate in tried if tried[rate]]
trial_loss = {rate: train(a, x, z, rate, 10).losses[-1] for rate in fell}
kept = min(fell, key=trial_loss.get) if fell else None
kept

# %%
# con cada tasa se entrena como en esta ejecución (máximo STUDY_STEPS); la suya se reutiliza
STUDY_STEPS = 5_000  # máximo de pasos de los experimentos adicionales (otras tasas, dos pesos)
study_steps = min(steps, STUDY_STEPS)
runs = {}
for rate in tried:
    trial = history if rate == lr else train(a, x, z, rate, study_steps)
    losses, weights = trial.losses[:study_steps + 1], trial.weights[:study_steps + 1]
    runs[rate] = (losses, run_kind(rate, x, a, weights[-1], a_star),
                  blew_up(losses[-1], start_loss))
pictures.learning_rates(runs, kept, bound, min_loss)

# %% [markdown]
# **Predice y luego ejecuta.** La sección siguiente añade un segundo peso, un término
# independiente `b`, entrenado con la misma tasa. ¿Bastarán 100 pasos para acercarse
# tanto como con un solo peso?
# <details><summary>Respuesta</summary>
#
# No: `a` = 1,958 y `b` = 0,213, lejos de la mejor recta con término independiente, `a*`
# = 2,063 y `b*` = −0,486 (este a* no es el 1,9914 del modelo de un solo peso). Al
# principio, `b` incluso se aleja de `b*`: la recta empieza por debajo de la mayoría de
# los puntos, y subirla ayuda.
# </details>

# %% [markdown]
# ## Dos pesos: una recta con término independiente
#
# El artículo termina comentando que con dos pesos haría falta una gráfica en 3D. Aquí
# la tienes: la recta `z = a·x + b` añade un término independiente `b`, de modo que ya
# no tiene que pasar por el origen. La pérdida es una superficie sobre el plano (a, b),
# con dos derivadas *parciales* (∂): cada una es la pendiente en la dirección de un
# peso, dejando el otro fijo. Se obtienen con la regla de la cadena, como antes,
# teniendo en cuenta que `b` multiplica a una entrada que siempre vale 1:
#
#     ∂pérdida/∂a = (2/N)·Σ (a·x + b − z)·x
#     ∂pérdida/∂b = (2/N)·Σ (a·x + b − z)
#
# ### Tu turno (ejercicio 2): la pendiente respecto del término independiente
#
# Escribe `my_slope_b`, la derivada ∂pérdida/∂b de arriba, sustituyendo los `...` por tu
# código; la comprobación que sigue a la versión de la lección te dirá si es correcta.
# <details><summary>Una solución</summary>
#
# `return 2 * (a * x + b - z).sum() / len(z)`: como en `gradient`, sumando `b` a cada
# predicción y sin `* x`, porque la entrada de `b` vale 1.
# </details>

# %%
def my_slope_b(a, b, x, z):
    """Tu derivada de la pérdida respecto de b, evaluada en (a, b)."""
    ...  # tu código aquí

# %% [markdown]
# Al desarrollarlas, las sumas se separan en cuatro medias que solo dependen de los
# datos, como media(x²) = Σx²/N, y que ningún paso cambia. Calculadas una sola vez,
# hacen que un paso cueste lo mismo con un millón de puntos que con 30. Partiendo de
# (a₀, 0), donde a₀ es el valor inicial aleatorio, cada paso actualiza los dos pesos con
# la misma tasa.

# %%
def predict_with_offset(a, b, x):
    """La salida de una neurona con peso a y término independiente b: a·x + b."""
    return a * x + b


def means_of(x, z):
    """Las cuatro medias que solo dependen de los datos: media(x²), media(x),
    media(x·z) y media(z)."""
    return (x * x).mean(), x.mean(), (x * z).mean(), z.mean()

# %%
def gradients(a, b, means):
    """Las derivadas de la pérdida respecto de a y de b, en (a, b), a partir de las
    medias de x², x, x·z y z."""
    mean_xx, mean_x, mean_xz, mean_z = means
    return 2 * (a * mean_xx + b * mean_x - mean_xz), 2 * (a * mean_x + b - mean_z)

# %%
exercises.check_offset_slope(my_slope_b, gradients, means_of)

# %%
def train_two_weights(a, b, x, z, lr, steps):
    """Descenso del gradiente sobre los pesos a y b a la vez; el camino, con una
    fila (a, b) por paso."""
    means = means_of(x, z)  # calculadas una sola vez
    path = np.empty((steps + 1, 2))
    path[0] = a, b
    for i in range(1, steps + 1):
        slope_a, slope_b = gradients(a, b, means)
        a, b = step(a, slope_a, lr), step(b, slope_b, lr)
        path[i] = a, b
    return path

# %% [markdown]
# Las dos derivadas valen cero en la solución exacta (a*, b*). Al igualarlas a cero se
# obtienen dos ecuaciones, las llamadas *ecuaciones normales*:
#
#     a·Σx² + b·Σx = Σxz
#     a·Σx + b·N = Σz
#
# La segunda dice que la mejor recta pasa por el punto de las medias, (x̄, z̄) (x̄, «x
# barra», es la media de x): b* = z̄ − a*·x̄; al sustituirlo en la primera, a* = Σ(x −
# x̄)(z − z̄) / Σ(x − x̄)². Si todas las x son iguales, muchas rectas se ajustan igual
# de bien.

# %%
def best_line(x, z):
    """(a*, b*) a partir de las ecuaciones normales; None si todas las x son
    iguales."""
    dx, dz = x - x.mean(), z - z.mean()  # la distancia de cada punto a las medias
    if (dx * dx).sum() <= 1e-12 * (x * x).sum():
        return None
    a_star = (dx * dz).sum() / (dx * dx).sum()
    return a_star, z.mean() - a_star * x.mean()

# %%
def loss_surface(a, b, x, z):
    """La pérdida para muchos (a, b) a la vez, para las gráficas: como en el cuenco,
    su valor mínimo más una forma cuadrática, pérdida(a*, b*) + (Σx²·da² +
    2Σx·da·db + N·db²)/N, con da = a − a* y db = b − b*."""
    (a_star, b_star), n = best_line(x, z), len(x)
    da, db = np.asarray(a) - a_star, np.asarray(b) - b_star
    quadratic = (x * x).sum() * da ** 2 + 2 * x.sum() * da * db + n * db ** 2
    return loss(predict_with_offset(a_star, b_star, x), z) + quadratic / n

# %% [markdown]
# Aquí el entrenamiento es más lento, y la gráfica de abajo muestra por qué: la pérdida
# es un valle largo y estrecho, empinado a lo ancho y casi plano a lo largo. Una misma
# tasa tiene que servir para las dos direcciones: si es lo bastante pequeña para no
# pasarse de largo entre las paredes, el descenso avanza muy despacio por el fondo.
#
# La *curvatura* de una dirección es la rapidez con que crece la pendiente a lo largo de
# ella: 2Σx²/N con un solo peso. Con dos, hay una dirección de máxima curvatura (a lo
# ancho del valle) y otra de mínima (a lo largo), y sus curvaturas se escriben λmax y
# λmin (λ, «lambda», es la letra habitual). En cada una, un paso multiplica la distancia
# a (a*, b*) por 1 − lr·λ, como hacía c, así que la tasa tiene que quedar por debajo de
# 2/λmax (con un solo peso, 2/λ es el N/Σx² de antes). Aquí λmax es 135 veces λmin,
# sobre todo porque la entrada de b siempre vale 1 mientras que x vale 5 de media: el
# valle es √135 ≈ 11,6 veces más largo que ancho. La gráfica lo dibuja con *curvas de
# nivel*, líneas de igual pérdida, como en un mapa de senderismo.
#
# De dónde salen esos dos números: las segundas derivadas de la pérdida (cómo cambia
# cada pendiente con cada peso) forman una tabla de 2×2, la *matriz hessiana* H =
# (2/N)·[[Σx², Σx], [Σx, N]]. λmin y λmax, las curvaturas a lo largo de esas dos
# direcciones especiales, son sus *valores propios*, que calcula `np.linalg.eigvalsh`.

# %%
def curvatures(x):
    """Las curvaturas (λmin, λmax) en las direcciones más plana y más empinada: los
    valores propios de H = (2/N)·[[Σx², Σx], [Σx, N]]."""
    return np.linalg.eigvalsh((2 / len(x)) * np.array([[(x * x).sum(), x.sum()],
                                                       [x.sum(), len(x)]]))

# %%
class Descent(NamedTuple):
    """Descenso del gradiente sobre (a, b) con la tasa lr hacia best = (a*, b*)."""
    path: np.ndarray  # una fila (a, b) por paso, desde el inicio
    best: tuple
    lr: float
    ratio: float  # λmax / λmin: el valle es √ratio veces más largo que ancho
    reached: int | None  # pasos hasta menos del 1 % de la distancia inicial (None: aún no)

# %%
def descend(x, z, start_a, lr, steps):
    """Entrena los pesos a y b desde (start_a, 0) durante `steps` pasos con la tasa
    lr; devuelve su `Descent`."""
    best, (low, high) = best_line(x, z), curvatures(x)
    path = train_two_weights(start_a, 0.0, x, z, lr, steps)
    gaps = np.hypot(path[:, 0] - best[0], path[:, 1] - best[1])
    within = np.flatnonzero(gaps <= 0.01 * gaps[0])
    return Descent(path, best, lr, high / low, int(within[0]) if within.size else None)

# %%
def enough_steps(lr, x):
    """Pasos que seguro acercan una ejecución con dos pesos y tasa lr a menos del
    1 % de su distancia inicial, según el mayor |1 − lr·λ|; como máximo STUDY_STEPS."""
    needed = steps_needed(np.abs(1 - lr * curvatures(x)).max(), 1.0, 0.01)
    return STUDY_STEPS if needed is None else min(needed, STUDY_STEPS)

# %%
two_ok = best_line(x, z) is not None
if not two_ok:
    note("todas las x son iguales, así que los pesos a y b no quedan determinados por separado "
         "(muchas rectas se ajustan igual de bien); se omiten las secciones de los dos pesos y "
         "del cambio de escala")
else:
    two_bound = 2 / curvatures(x)[-1]
    descent = descend(x, z, a, min(lr, 0.9 * two_bound), study_steps)
    pictures.two_weights(x, z, descent, loss_surface)
    if descent.lr != lr:
        note(f"lr = {lr:g} supera el 90 % del umbral con dos pesos, 2/λmax = {two_bound:.4g}, así "
             f"que en esta sección se entrena con el 90 % de ese umbral")

# %%
# dónde terminó la ejecución: aún lejos en este valle estrecho (con --steps 5000 queda el 3 %)
if two_ok:
    end, best = descent.path[-1], descent.best
    advice = ""  # todavía lejos: una tasa segura para los dos pesos y los pasos que necesita
    if descent.reached is None:
        rate = safe_rate(two_bound)
        faster = descend(x, z, a, rate, enough_steps(rate, x))
        advice = program.two_weight_advice(faster, STUDY_STEPS)
    note(f"dos pesos en el paso {len(descent.path) - 1}, lr = {descent.lr:.4g}: a = {end[0]:.6g}, "
         f"b = {end[1]:.6g}; valores exactos: a* = {best[0]:.6g}, b* = {best[1]:.6g}{advice}")

# %%
if two_ok and abs(best[1]) > 0.1 * np.abs(z).max():  # lejos del origen: b ayuda
    two = loss_surface(best[0], best[1], x, z)
    note(f"estos puntos no pasan cerca del origen: la mejor pérdida con un solo peso es "
         f"{min_loss:.4g}, y con un término independiente b, {two:.4g}; la recta de un solo peso, "
         f"z = a·x, está obligada a pasar por (0, 0)")

# %% [markdown]
# ### Tu turno (ejercicio 3): un paso con momento
#
# Un remedio para ese avance tan lento es guardar una *velocidad*, igual que una bola
# que rueda por el fondo del valle conserva la suya: en cada paso,
# `velocity ← beta·velocity − lr·slope` y después `a ← a + velocity`, donde `beta`, por
# ejemplo 0,9, es la parte del último movimiento que se conserva. Escribe un paso así
# para un solo peso.
# <details><summary>Una solución</summary>
#
# `velocity = beta * velocity - lr * slope` y después `return a + velocity, velocity`.
# Con `beta = 0` es el `step` de la lección.
# </details>

# %%
def momentum_step(a, velocity, slope, lr, beta):
    """Un paso con momento: los nuevos (a, velocidad)."""
    ...  # tu código aquí

# %%
exercises.check_momentum(momentum_step)

# %% [markdown]
# **Predice y luego ejecuta.** La sección siguiente *centra* x: le resta su media, 5,
# para que x vaya de −5 a 5. ¿Se volverá más redondo el valle?
# <details><summary>Respuesta</summary>
#
# Sí: la razón entre las curvaturas baja de 135 a 8,9, y los pasos para quedar a menos
# del 1 % (cada versión con su propia tasa 1/λmax) bajan de 496 a 39.
# </details>

# %% [markdown]
# ## El remedio: cambiar la escala de las entradas
#
# El valle es estrecho porque x es muy distinta de la entrada de b, que siempre vale 1:
# la media de x es 5 y su dispersión (su desviación típica), 2,98. Si se *centra* x (se
# le resta la media), la razón entre las curvaturas baja de 135 a 8,9; si se
# *estandariza* (además se divide entre la dispersión), las dos curvaturas son iguales:
# un cuenco redondo y una sola tasa para los dos pesos.

# %%
def standardised(x):
    """x centrada (media 0) y escalada (dispersión o desviación típica 1)."""
    return (x - x.mean()) / x.std()

# %%
# con su tasa 1/λmax, que cruza el valle en un paso: 496, 39 y 1 pasos hasta el 1 %
if two_ok:
    versions = {"x as measured": x, "x − mean": x - x.mean(),
                "standardised x": standardised(x)}
    scaled = {}
    for name, inputs in versions.items():
        rate = 1 / curvatures(inputs)[-1]
        scaled[name] = descend(inputs, z, a, rate, enough_steps(rate, inputs))
    pictures.scaling([x, versions["standardised x"]], z,
                     [scaled["x as measured"], scaled["standardised x"]], loss_surface)

# %%
# desde la x estandarizada: a = a'/dispersión y b = b' − a'·media/dispersión, otra vez (a*, b*)
if two_ok:
    a_scaled, b_scaled = scaled["standardised x"].path[-1]
    spread, mean = x.std(), x.mean()
    raw, centred, standard = (f"> {STUDY_STEPS}" if run.reached is None else run.reached
                              for run in scaled.values())  # pasos, en el orden de las versiones
    note(f"al cambiar la escala de x, pasos hasta quedar a menos del 1 % con la tasa 1/λmax: "
         f"{raw} con x tal como se midió, {centred} con x centrada y {standard} con x "
         f"estandarizada; tras deshacer el cambio: a = {a_scaled / spread:.6g}, b = "
         f"{b_scaled - a_scaled * mean / spread:.6g}")

# %% [markdown]
# **Predice.** Si x se midiera en milímetros en vez de en metros (números 1000 veces
# mayores), ¿qué le pasaría al umbral N/Σx² y a una ejecución con lr = 0,001?
# <details><summary>Respuesta</summary>
#
# El umbral sería un millón de veces menor, 2,9 · 10⁻⁸, y lr = 0,001 divergiría. La x
# estandarizada no notaría el cambio de unidades.
# </details>

# %% [markdown]
# ## Guardar y explorar en directo
#
# Las gráficas, que esperaban con nombres provisionales, reciben ahora todas a la vez su
# nombre definitivo: si una ejecución falla o se interrumpe, tus gráficas anteriores se
# quedan como estaban.

# %%
pictures.save()

# %% [markdown]
# Con `EXPLORE = True` (o `--explore`) se abre una ventana para manipular el modelo:
# arrastra los deslizadores **a**, **paso** o **tasa de aprendizaje** (N/Σx² en rojo) y
# todo lo demás se actualiza; la barra espaciadora inicia o pausa la reproducción; ← y →
# retroceden y avanzan un paso, `r` vuelve al inicio y `q` cierra (en Jupyter:
# `pip install ipympl`).
#
# **Predice y luego ejecuta.** En el explorador, arrastra `a` hasta el fondo del cuenco.
# ¿Qué hacen la tangente y el paso siguiente?
# <details><summary>Respuesta</summary>
#
# La tangente queda horizontal: allí la pendiente es 0, así que el paso siguiente, −lr ×
# 0, no mueve nada.
# </details>

# %%
explorer = pictures.explore(x, z, history, state, loss_curve, train, bound)

# %% [markdown]
# ## Prueba tú
#
# Cada pregunta da la orden para la terminal y, entre paréntesis, los ajustes que hay
# que cambiar en un cuaderno. Predice lo que verás, ejecútalo y luego abre las
# respuestas.
#
# 1. **Una tasa muy pequeña:** ¿hasta dónde llega `a` en 100 pasos?
#    `python regression_gd_es.py --lr 1e-5` (`LEARNING_RATE = 1e-5`).
# 2. **Pasarse de largo:** ¿a qué lado de `a*` queda `a` tras cada paso?
#    `python regression_gd_es.py --lr 0.02 --every 1` (`LEARNING_RATE = 0.02`,
#    `EVERY = 1`).
# 3. **Justo por encima del umbral** N/Σx² = 0,0295: ¿qué pasa con 0,03 y con 0,05?
#    `python regression_gd_es.py --lr 0.03` (`LEARNING_RATE = 0.03`).
# 4. **Un solo paso:** ¿qué hace lr = N/(2Σx²)?
#    `python regression_gd_es.py --lr 0.0147457627 --steps 3 --every 1` (los tres
#    ajustes equivalentes).
# 5. **Otro inicio:** ¿depende el final del punto de partida?
#    `python regression_gd_es.py --seed 7` (`SEED = 7`).
# 6. **Cuándo parar:** ¿cuántos pasos de una ejecución larga se ahorraría la regla de
#    parada? `python regression_gd_es.py --steps 1000 --every 100` (`STEPS`, `EVERY`).
# 7. **Tus propios datos, lejos del origen:** puntos sobre z = 10 + 2·x, que una recta
#    por (0, 0) no puede seguir. Escríbelos con
#    `open("offset.csv", "w").write("x,z\n0,10\n1,12\n2,14\n3,16\n4,18\n")`, ejecuta
#    `python regression_gd_es.py --data offset.csv` (`DATA = "offset.csv"`) y después
#    otra vez con `--lr 0.1 --steps 300`: ¿encuentran la recta los dos pesos?
# <details><summary>Lo que deberías ver</summary>
#
# 1. `a` avanza muy despacio, de 0,27 a solo 0,385; una nota dice cuánto le falta para
#    llegar a `a*` y sugiere una tasa calculada a partir de los datos; el título de la
#    curva de aprendizaje dice «Apenas se mueve».
# 2. Tras el paso 1, `a` queda por encima de `a*` = 1,9914; tras el paso 2, por debajo,
#    y cada oscilación es menor; en el paso 40 ya coincide con a* = 1.991412006340672 en
#    todas sus cifras.
# 3. Cada oscilación es mayor que la anterior: tras 100 pasos, `a` vale unos −49 y la
#    pérdida supera 88 000. Con 0,05, la pérdida se dispara en el paso 4: una sola línea
#    y una tasa para probar.
# 4. Hace que c = 0: la primera línea, `i=1`, ya muestra `a=1.99141200…`
# 5. Empieza en a = 0,3238 y termina igual de cerca del mismo `a*`: el cuenco tiene un
#    único fondo.
# 6. La regla se detiene en el paso 99, a 0,00164 de `a*`: los 901 pasos siguientes
#    recorren una distancia que no se aprecia en ninguna gráfica de la recta.
# 7. Las notas dicen que los puntos no pasan cerca del origen y dan a* = 2, b* = 10; 100
#    pasos con lr = 0,001 terminan en a = 3,55, b = 1,70; con 0,1 y 300 pasos, a = 2, b
#    = 10.
# </details>
